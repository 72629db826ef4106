import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  type CreateIntakeConnectionRequest,
  INTAKE_SECRET_HEADER,
  type IntakeConnectionResponse,
  type IntakeConnectionSecretResponse,
} from './dto/intake.dto.js';
import { IntakeFormService } from './intake-form.service.js';
import {
  type ConnectionRow,
  findConnection,
  insertConnection,
  listConnections,
  replaceConnectionSecret,
  revokeConnection,
} from './intake.queries.js';

/**
 * The secret is 256 random bits, so a plain SHA-256 of it is as strong as a slow password hash
 * and costs the receiver nothing per submission; only the hash is stored.
 */
export const hashIntakeSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();
const newSecret = () => `kobo_${randomBytes(32).toString('base64url')}`;

/** Whether a presented secret matches the stored hash, in constant time. */
export function intakeSecretMatches(presented: string | undefined, storedHash: Buffer | undefined): boolean {
  const hash = hashIntakeSecret(presented ?? '');
  const against = storedHash?.length === hash.length ? storedHash : Buffer.alloc(hash.length);
  return timingSafeEqual(hash, against) && !!presented && !!storedHash;
}

const toConnection = (c: ConnectionRow): IntakeConnectionResponse => ({
  id: c.id,
  agencyId: c.agency_id,
  name: c.name,
  catalogueVersion: c.catalogue_version,
  status: c.status,
  receiverPath: `/intake/kobo/${c.id}`,
  secretHeader: INTAKE_SECRET_HEADER,
  createdAt: c.created_at.toISOString(),
  secretRotatedAt: c.secret_rotated_at.toISOString(),
  revokedAt: c.revoked_at?.toISOString() ?? null,
  version: c.version,
});

/** Intake connections: an agency's named credentials for one KoboToolbox form each. */
@Injectable()
export class IntakeConnectionsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(IntakeFormService) private readonly forms: IntakeFormService,
  ) {}

  async create(actor: Actor, body: CreateIntakeConnectionRequest): Promise<IntakeConnectionSecretResponse> {
    if (!(await this.forms.formFor(body.catalogueVersion)))
      throw new DomainError('VALIDATION_FAILED', 'Some fields are invalid', {
        errors: [{ field: 'catalogueVersion', messages: ['no published catalogue has this version'] }],
      });
    const id = uuidv7();
    const secret = newSecret();
    await insertConnection(this.tx.manager(), {
      id,
      agencyId: actor.agencyId,
      name: body.name,
      catalogueVersion: body.catalogueVersion,
      secretHash: hashIntakeSecret(secret),
      createdBy: actor.userId,
    });
    await this.audit.change('create', 'intake_connection', id, [
      ...diffFields(null, { name: body.name, catalogueVersion: body.catalogueVersion }),
      { field: 'secret', personal: true },
    ]);
    return { ...(await this.get(actor, id)), secret };
  }

  async list(_actor: Actor): Promise<IntakeConnectionResponse[]> {
    const rows = await listConnections(this.tx.manager());
    this.audit.touch(
      'intake_connection',
      rows.map((r) => r.id),
    );
    return rows.map(toConnection);
  }

  async get(_actor: Actor, id: string): Promise<IntakeConnectionResponse> {
    const row = await this.visible(id);
    this.audit.touch('intake_connection', [id]);
    return toConnection(row);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotate(actor: Actor, id: string): Promise<IntakeConnectionSecretResponse> {
    const row = await this.visible(id);
    if (row.status !== 'active') throw new DomainError('ILLEGAL_TRANSITION', 'A revoked connection stays revoked');
    const secret = newSecret();
    await replaceConnectionSecret(this.tx.manager(), id, hashIntakeSecret(secret));
    await this.audit.change('rotate_secret', 'intake_connection', id, [{ field: 'secret', personal: true }]);
    return { ...(await this.get(actor, id)), secret };
  }

  /** Revoked for good: its submissions stay, new ones are refused (401). */
  async revoke(actor: Actor, id: string): Promise<IntakeConnectionResponse> {
    const row = await this.visible(id);
    if (row.status === 'active') {
      await revokeConnection(this.tx.manager(), id);
      await this.audit.change(
        'revoke',
        'intake_connection',
        id,
        diffFields({ status: 'active' }, { status: 'revoked' }),
      );
    }
    return this.get(actor, id);
  }

  private async visible(id: string): Promise<ConnectionRow> {
    // Row-level security answers only the actor's agency: another agency's connection is "not found".
    const row = await findConnection(this.tx.manager(), id);
    if (!row) throw notFound('Intake connection');
    return row;
  }
}
