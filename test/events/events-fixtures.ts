import type { GivenAgency, Session } from '../harness/given.js';
import type { TestApp } from '../harness/test-app.js';

/** A case led by `lead`, created through the API (person, then case), with a referral to `receiver`. */
export async function caseThroughApi(t: TestApp, screener: Session, caseworker: Session): Promise<string> {
  const person = await t.http
    .post('/persons')
    .set(screener.auth)
    .send({
      names: { givenNameLatin: 'Chanthy', familyNameLatin: 'Souvannavong' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1998 },
      homeProvinceCode: 'LA-SV',
      confirmNotDuplicate: true,
    });
  if (person.status !== 201) throw new Error(`person: ${person.status} ${JSON.stringify(person.body)}`);
  const created = await t.http.post('/cases').set(caseworker.auth).send({ personId: person.body.id });
  if (created.status !== 201) throw new Error(`case: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

export async function referThroughApi(
  t: TestApp,
  supervisor: Session,
  caseId: string,
  receiver: GivenAgency,
  urgency = 'normal',
): Promise<string> {
  const res = await t.http.post(`/cases/${caseId}/referrals`).set(supervisor.auth).send({
    toAgencyId: receiver.id,
    purpose: 'psychosocial',
    urgency,
    consentOverrideReason: 'Court hearing tomorrow; the person asked orally',
  });
  if (res.status !== 201) throw new Error(`referral: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Polls until `check` holds, bounded (generous: the machine may be busy). */
export async function eventually<T>(probe: () => Promise<T>, check: (v: T) => boolean, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (check(v)) return v;
    if (Date.now() - t0 > ms) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
