import { Inject, Injectable } from '@nestjs/common';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { deleteLoginFailuresOf, deleteSecondFactorFailuresOf } from '../auth/auth.queries.js';
import { PasswordService } from '../auth/password.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import type { CreateUserRequest, UpdateUserRequest, UserResponse, UserWithPasswordResponse } from './dto/user.dto.js';
import { UserEntity } from './user.entity.js';
import { toUserResponse } from './user.mapper.js';
import { bumpTokenVersion, setOneTimePassword, setUserActive, unlockUser, updateUserProfile } from './users.queries.js';

const isSystemAdmin = (actor: Actor) => actor.roles.includes('system_admin');

/**
 * User administration. System administrators manage every agency's users; agency
 * administrators only their own agency's, and can never grant system_admin. Users out of
 * scope answer 404.
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  private repo() {
    return this.tx.manager().getRepository(UserEntity);
  }

  private assertAgencyInScope(actor: Actor, agencyId: string): void {
    if (!isSystemAdmin(actor) && agencyId !== actor.agencyId) throw notFound('Agency');
  }

  private assertRolesGrantable(actor: Actor, roles: readonly string[]): void {
    if (roles.includes('system_admin') && !isSystemAdmin(actor)) {
      throw new DomainError('FORBIDDEN', 'Only system administrators can grant system_admin');
    }
  }

  private async inScope(actor: Actor, id: string): Promise<UserEntity> {
    const user = await this.repo().findOneBy({ id });
    if (!user || (!isSystemAdmin(actor) && user.agencyId !== actor.agencyId)) throw notFound('User');
    // Only a system administrator may touch a system administrator's account.
    if (user.roles.includes('system_admin') && !isSystemAdmin(actor)) throw notFound('User');
    return user;
  }

  /** A user the actor may administer (404 otherwise, as for a missing one). */
  findManageable(actor: Actor, id: string): Promise<UserEntity> {
    return this.inScope(actor, id);
  }

  async list(actor: Actor, agencyId?: string): Promise<UserResponse[]> {
    const scope = isSystemAdmin(actor) ? agencyId : actor.agencyId;
    if (agencyId && scope !== agencyId) return [];
    const users = await this.repo().find({ where: scope ? { agencyId: scope } : {}, order: { email: 'ASC' } });
    this.audit.touch(
      'user',
      users.map((u) => u.id),
    );
    return users.map(toUserResponse);
  }

  async get(actor: Actor, id: string): Promise<UserResponse> {
    const user = await this.inScope(actor, id);
    this.audit.touch('user', [id]);
    return toUserResponse(user);
  }

  async create(actor: Actor, body: CreateUserRequest): Promise<UserWithPasswordResponse> {
    this.assertAgencyInScope(actor, body.agencyId);
    this.assertRolesGrantable(actor, body.roles);
    const agency = await this.tx.manager().getRepository(AgencyEntity).findOneBy({ id: body.agencyId });
    if (!agency) throw notFound('Agency');
    const email = body.email.trim().toLowerCase();
    if (await this.repo().existsBy({ email })) {
      throw new DomainError('CONFLICT', 'A user with this email exists', {
        errors: [{ field: 'email', messages: ['email is already used'] }],
      });
    }
    const oneTimePassword = this.passwords.generateOneTimePassword();
    const user = this.repo().create({
      id: uuidv7(),
      agencyId: body.agencyId,
      email,
      displayName: body.displayName,
      roles: [...body.roles].sort(),
      passwordHash: await this.passwords.hash(oneTimePassword),
      mustChangePassword: true,
      active: true,
    });
    await this.repo().insert(user);
    const saved = await this.repo().findOneByOrFail({ id: user.id });
    await this.audit.change('create', 'user', saved.id, [
      ...diffFields(null, { agencyId: saved.agencyId, roles: saved.roles, active: true }),
      { field: 'email', personal: true },
      { field: 'displayName', personal: true },
    ]);
    return { ...toUserResponse(saved), oneTimePassword };
  }

  async update(actor: Actor, id: string, body: UpdateUserRequest): Promise<UserResponse> {
    const user = await this.inScope(actor, id);
    if (body.roles) this.assertRolesGrantable(actor, body.roles);
    const rolesChanged = body.roles !== undefined && [...body.roles].sort().join() !== [...user.roles].sort().join();
    await updateUserProfile(
      this.tx.manager(),
      id,
      body.displayName ?? null,
      body.roles ? [...body.roles].sort() : null,
      rolesChanged,
    );
    if (rolesChanged) await this.auth.revokeAllSessions(this.tx.manager(), id, 'roles_changed');
    const changes = [
      ...(rolesChanged ? diffFields({ roles: [...user.roles].sort() }, { roles: [...body.roles!].sort() }) : []),
      ...(body.displayName !== undefined && body.displayName !== user.displayName
        ? [{ field: 'displayName', personal: true }]
        : []),
    ];
    await this.audit.change(rolesChanged ? 'role_change' : 'update', 'user', id, changes);
    return toUserResponse(await this.repo().findOneByOrFail({ id }));
  }

  /** Deactivation cuts access on the user's next request (the token check reads `active`). */
  async setActive(actor: Actor, id: string, active: boolean): Promise<UserResponse> {
    const user = await this.inScope(actor, id);
    if (user.id === actor.userId && !active) throw new DomainError('UNPROCESSABLE', 'You cannot deactivate yourself');
    await setUserActive(this.tx.manager(), id, active);
    if (!active) await this.auth.revokeAllSessions(this.tx.manager(), id, 'deactivated');
    await this.audit.change(
      active ? 'activate' : 'deactivate',
      'user',
      id,
      diffFields({ active: user.active }, { active }),
    );
    return toUserResponse(await this.repo().findOneByOrFail({ id }));
  }

  async unlock(actor: Actor, id: string): Promise<UserResponse> {
    const user = await this.inScope(actor, id);
    await unlockUser(this.tx.manager(), id);
    await deleteLoginFailuresOf(this.tx.manager(), user.email);
    await deleteSecondFactorFailuresOf(this.tx.manager(), id);
    await this.audit.change('unlock', 'user', id, diffFields({ locked: user.lockedAt !== null }, { locked: false }));
    return toUserResponse(await this.repo().findOneByOrFail({ id }));
  }

  /** A new one-time password; every session ends and the user must change it at next login. */
  async resetPassword(actor: Actor, id: string): Promise<UserWithPasswordResponse> {
    await this.inScope(actor, id);
    const oneTimePassword = this.passwords.generateOneTimePassword();
    const hash = await this.passwords.hash(oneTimePassword);
    await setOneTimePassword(this.tx.manager(), id, hash);
    await this.auth.revokeAllSessions(this.tx.manager(), id, 'password_reset');
    await this.audit.change('password_reset', 'user', id, [
      { field: 'password', personal: true },
      ...diffFields({ mustChangePassword: false }, { mustChangePassword: true }),
    ]);
    return { ...toUserResponse(await this.repo().findOneByOrFail({ id })), oneTimePassword };
  }

  /**
   * Removes the user's second factor (a lost phone, no recovery codes left): every session ends and
   * the next sign-in sets one up again when the role requires it. The user is told through the
   * account.second-factor-reset event: an unexpected reset is how a takeover shows itself.
   */
  async resetSecondFactor(actor: Actor, id: string): Promise<void> {
    const user = await this.inScope(actor, id);
    const removed = await this.mfa.remove(this.tx.manager(), id);
    if (!removed) throw new DomainError('UNPROCESSABLE', 'This user has no second factor to reset');
    await bumpTokenVersion(this.tx.manager(), id);
    await this.auth.revokeAllSessions(this.tx.manager(), id, 'mfa_reset');
    // The wrong codes guessed against the old factor must not keep the new enrolment waiting.
    await deleteSecondFactorFailuresOf(this.tx.manager(), id);
    await this.audit.change(
      'second_factor_reset',
      'user',
      id,
      diffFields({ secondFactor: true }, { secondFactor: false }),
    );
    await this.events.record({
      type: 'account.second-factor-reset',
      agencyIds: [user.agencyId],
      subjectId: id,
      payload: { userId: id, resetByUserId: actor.userId },
    });
  }

  async logoutEverywhere(actor: Actor, id: string): Promise<void> {
    await this.inScope(actor, id);
    await bumpTokenVersion(this.tx.manager(), id);
    await this.auth.revokeAllSessions(this.tx.manager(), id, 'admin_logout');
    await this.audit.change('logout_everywhere', 'user', id, []);
  }
}
