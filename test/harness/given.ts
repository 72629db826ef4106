import { randomBytes } from 'node:crypto';
import { generateSync } from 'otplib';
import { PasswordService } from '../../src/auth/password.service.js';
import type { Role } from '../../src/auth/permissions.js';
import { TokenService } from '../../src/auth/token.service.js';
import { PersonCodec } from '../../src/persons/person.codec.js';
import { uuidv7 } from '../../src/common/uuid.js';
import type { TestApp } from './test-app.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;
const testPasswordHash = () => (hashed ??= new PasswordService().hash(TEST_PASSWORD));

export interface GivenAgency {
  id: string;
  code: string;
}
export interface GivenUser {
  id: string;
  agencyId: string;
  email: string;
  roles: Role[];
}
export interface Session {
  user: GivenUser;
  token: string;
  refreshToken: string;
  auth: { authorization: string };
}

const suffix = () => randomBytes(4).toString('hex');

/** Factories for API tests: real rows, inserted as the schema owner (only what the API itself can create). */
export function given(t: TestApp) {
  let systemAdmin: Promise<Session> | undefined;
  return {
    /** A system administrator's session, for set-up that goes through the API (e.g. agency attributes). */
    systemAdmin(): Promise<Session> {
      return (systemAdmin ??= (async () => this.session(await this.user(await this.agency(), ['system_admin'])))());
    },

    async agency(
      overrides: Partial<{
        code: string;
        localType: string;
        provinceCode: string;
        active: boolean;
        /** Set through PATCH /agencies/{id} by a system administrator, as in production. */
        formalIdentificationAuthority: boolean;
      }> = {},
    ): Promise<GivenAgency> {
      const id = uuidv7();
      const code = overrides.code ?? `AG-${suffix().toUpperCase()}`;
      await t.ownerQuery(
        `INSERT INTO agency (id, code, name_en, htcds_org_type, local_type, province_code, active) VALUES ($1, $2, $3, 'NGO', $4, $5, $6)`,
        [
          id,
          code,
          `Agency ${code}`,
          overrides.localType ?? 'shelter',
          overrides.provinceCode ?? 'LA-VT',
          overrides.active ?? true,
        ],
      );
      if (overrides.formalIdentificationAuthority) {
        const res = await t.http
          .patch(`/agencies/${id}`)
          .set((await this.systemAdmin()).auth)
          .send({ formalIdentificationAuthority: true });
        if (res.status !== 200)
          throw new Error(`could not flag the authority: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return { id, code };
    },

    async user(
      agency: GivenAgency,
      roles: Role[],
      overrides: Partial<{ email: string; active: boolean; mustChangePassword: boolean }> = {},
    ): Promise<GivenUser> {
      const id = uuidv7();
      const email = overrides.email ?? `${roles[0]}-${suffix()}@test.example`;
      await t.ownerQuery(
        `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash, active, must_change_password) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [
          id,
          agency.id,
          email,
          `Test ${roles.join('+')}`,
          roles,
          await testPasswordHash(),
          overrides.active ?? true,
          overrides.mustChangePassword ?? false,
        ],
      );
      return { id, agencyId: agency.id, email, roles };
    },

    /** A person registered by an agency (identity encrypted with the app's keys). */
    async person(
      agency: GivenAgency,
      createdBy: GivenUser,
      overrides: Partial<{ gender: string; homeProvinceCode: string; birthYear: number }> = {},
    ): Promise<string> {
      const id = uuidv7();
      const enc = t.app.get(PersonCodec).encrypt(id, {
        names: { givenNameLatin: `Test${suffix()}` },
        birth: overrides.birthYear
          ? {
              precision: 'year',
              dateOfBirth: null,
              birthYear: overrides.birthYear,
              estimatedAge: null,
              estimatedAt: null,
            }
          : null,
      });
      await t.ownerQuery(
        `INSERT INTO person (id, owner_agency_id, created_by, gender, home_province_code, names_enc, birth_enc, birth_year_bidx) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [
          id,
          agency.id,
          createdBy.id,
          overrides.gender ?? 'Feminine',
          overrides.homeProvinceCode ?? 'LA-VT',
          enc.namesEnc,
          enc.birthEnc ?? null,
          enc.birthYearBidx ?? null,
        ],
      );
      return id;
    },

    async caseFor(
      agency: GivenAgency,
      people: { createdBy: GivenUser; caseworker?: GivenUser; supervisor?: GivenUser; personId?: string },
    ): Promise<string> {
      const id = uuidv7();
      const personId = people.personId ?? (await this.person(agency, people.createdBy));
      await t.ownerQuery(
        `INSERT INTO case_file (id, case_number, person_id, lead_agency_id, assigned_caseworker_id, supervisor_id, created_by, opened_on, stage)
         VALUES ($1, 'TS-' || extract(year from now())::int || '-' || lpad((floor(random() * 999999))::int::text, 6, '0'), $2, $3, $4, $5, $6, current_date, 'intake')`,
        [id, personId, agency.id, people.caseworker?.id ?? null, people.supervisor?.id ?? null, people.createdBy.id],
      );
      return id;
    },

    /** An open referral's access for the receiving agency (the referral module creates these). */
    async referralAccess(caseId: string, receiver: GivenAgency): Promise<string> {
      const id = uuidv7();
      await t.ownerQuery(
        `INSERT INTO case_access_grant (id, case_id, grantee_agency_id, kind, view, reason) VALUES ($1,$2,$3,'referral','limited','test referral')`,
        [id, caseId, receiver.id],
      );
      return id;
    },

    /** A session without the argon2 login (for large matrices): a real session row and a signed token. */
    async quickSession(user: GivenUser): Promise<Session> {
      const sessionId = uuidv7();
      await t.ownerQuery(
        `INSERT INTO auth_session (id, user_id, absolute_expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
        [sessionId, user.id],
      );
      const { token } = t.app
        .get(TokenService)
        .signAccessToken({ sub: user.id, agency: user.agencyId, roles: user.roles, tv: 1, sid: sessionId });
      return { user, token, refreshToken: '', auth: { authorization: `Bearer ${token}` } };
    },

    /**
     * Sets up a TOTP second factor through the API, as the user's authenticator app would: the
     * answer's session (signed in with the factor; every earlier one ended), the secret and the
     * recovery codes. `epoch` is the instant (seconds) the app computes the first code at.
     */
    async enrolSecondFactor(
      session: Session,
      epoch = Math.floor(Date.now() / 1000),
    ): Promise<{ session: Session; secret: string; recoveryCodes: string[] }> {
      const started = await t.http.post('/auth/mfa/enrolment').set(session.auth);
      if (started.status !== 200)
        throw new Error(`enrolment failed: ${started.status} ${JSON.stringify(started.body)}`);
      const secret = started.body.secret as string;
      const confirmed = await t.http
        .post('/auth/mfa/enrolment/confirm')
        .set(session.auth)
        .send({ code: generateSync({ secret, epoch }) });
      if (confirmed.status !== 200)
        throw new Error(`confirmation failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
      return {
        secret,
        recoveryCodes: confirmed.body.recoveryCodes,
        session: {
          user: session.user,
          token: confirmed.body.accessToken,
          refreshToken: confirmed.body.refreshToken,
          auth: { authorization: `Bearer ${confirmed.body.accessToken}` },
        },
      };
    },

    async session(user: GivenUser): Promise<Session> {
      const res = await t.http.post('/auth/login').send({ email: user.email, password: TEST_PASSWORD });
      if (res.status !== 200)
        throw new Error(`login failed for ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        user,
        token: res.body.accessToken,
        refreshToken: res.body.refreshToken,
        auth: { authorization: `Bearer ${res.body.accessToken}` },
      };
    },
  };
}
