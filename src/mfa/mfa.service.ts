import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import {
  confirmSecondFactor,
  countUnusedRecoveryCodes,
  deleteSecondFactor,
  findSecondFactor,
  hasConfirmedSecondFactor,
  lockSecondFactor,
  recordUsedStep,
  replaceRecoveryCodes,
  upsertPendingSecondFactor,
  useRecoveryCode,
} from './mfa.queries.js';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
const STEP_SECONDS = 30;
/** One step either side: a phone clock a little off still works, an old code does not. */
const DRIFT_SECONDS = STEP_SECONDS;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const cipherContext = (userId: string) => ({ table: 'user_second_factor', column: 'secret_enc', id: userId });

/** Recovery codes are shown once and stored as SHA-256 hashes (salted with the user id; 50 random bits each). */
export const recoveryCodeHash = (userId: string, code: string) =>
  createHash('sha256')
    .update(`${userId}:${code.trim().toLowerCase().replaceAll('-', '')}`)
    .digest();

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

export type CodeCheck = { ok: true; kind: 'totp' | 'recovery_code' } | { ok: false; reason: 'wrong_code' | 'replayed' };

/**
 * The TOTP second factor (RFC 6238, through otplib): the secret is encrypted with the field cipher,
 * each accepted code's time step is stored so the same code (or an older one) never works twice,
 * and recovery codes are single-use hashes.
 */
@Injectable()
export class MfaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  isRequiredFor(roles: readonly string[]): boolean {
    return roles.some((r) => this.config.auth.mfaRequiredRoles.includes(r));
  }

  isEnrolled(m: EntityManager, userId: string): Promise<boolean> {
    return hasConfirmedSecondFactor(m, userId);
  }

  /** A new secret for the user's authenticator app; refused while a confirmed factor exists. */
  async startEnrolment(m: EntityManager, userId: string, email: string): Promise<{ secret: string; uri: string }> {
    const existing = (await lockSecondFactor(m, userId))[0];
    if (existing?.confirmed_at) throw new DomainError('MFA_ALREADY_ENROLLED');
    const secret = generateSecret();
    await upsertPendingSecondFactor(m, userId, this.cipher.encrypt(secret, cipherContext(userId)));
    return { secret, uri: generateURI({ issuer: this.config.auth.mfaIssuer, label: email, secret }) };
  }

  /** Confirms an enrolment with a first code from the app; returns the recovery codes (shown once). */
  async confirmEnrolment(m: EntityManager, userId: string, code: string): Promise<string[] | undefined> {
    const factor = (await lockSecondFactor(m, userId))[0];
    if (!factor) throw new DomainError('MFA_NOT_ENROLLING');
    if (factor.confirmed_at) throw new DomainError('MFA_ALREADY_ENROLLED');
    const step = this.acceptedStep(factor.secret_enc, userId, code, null);
    if (step === undefined) return undefined;
    await confirmSecondFactor(m, userId, step);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await replaceRecoveryCodes(
      m,
      userId,
      codes.map((c) => recoveryCodeHash(userId, c)),
    );
    return codes;
  }

  /**
   * Checks a code of a confirmed factor: a TOTP code within one step of now and later than the last
   * one accepted, or an unused recovery code. An accepted code is spent in the same transaction.
   */
  async checkCode(m: EntityManager, userId: string, code: string): Promise<CodeCheck> {
    const factor = (await lockSecondFactor(m, userId))[0];
    if (!factor?.confirmed_at) return { ok: false, reason: 'wrong_code' };
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) {
      const lastStep = factor.last_used_step === null ? null : Number(factor.last_used_step);
      const step = this.acceptedStep(factor.secret_enc, userId, digits, lastStep);
      if (step !== undefined) {
        await recordUsedStep(m, userId, step);
        return { ok: true, kind: 'totp' };
      }
      // Right code, already spent: said apart in the audit trail (a replay is worth an alert).
      if (lastStep !== null && this.acceptedStep(factor.secret_enc, userId, digits, null) !== undefined)
        return { ok: false, reason: 'replayed' };
      return { ok: false, reason: 'wrong_code' };
    }
    if (await useRecoveryCode(m, userId, recoveryCodeHash(userId, code))) return { ok: true, kind: 'recovery_code' };
    return { ok: false, reason: 'wrong_code' };
  }

  async status(
    m: EntityManager,
    userId: string,
    roles: readonly string[],
  ): Promise<{ enrolled: boolean; enrolledAt: string | null; required: boolean; recoveryCodesLeft: number }> {
    const factor = (await findSecondFactor(m, userId))[0];
    const enrolled = Boolean(factor?.confirmed_at);
    return {
      enrolled,
      enrolledAt: factor?.confirmed_at?.toISOString() ?? null,
      required: this.isRequiredFor(roles),
      recoveryCodesLeft: enrolled ? await countUnusedRecoveryCodes(m, userId) : 0,
    };
  }

  /** Removes the user's factor and recovery codes; whether there was one. */
  remove(m: EntityManager, userId: string): Promise<boolean> {
    return deleteSecondFactor(m, userId);
  }

  /** The time step a code belongs to, when it is valid now (±1 step) and later than `afterStep`. */
  private acceptedStep(secretEnc: Buffer, userId: string, code: string, afterStep: number | null): number | undefined {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return undefined;
    const secret = this.cipher.decrypt(secretEnc, cipherContext(userId));
    const result = verifySync({
      secret,
      token,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: DRIFT_SECONDS,
      ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
    });
    // The union also covers HOTP results; a TOTP match carries its time step.
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }
}

/** An opaque challenge token; only its SHA-256 is stored. */
export function newChallengeToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: challengeTokenHash(token) };
}

export const challengeTokenHash = (token: string) => createHash('sha256').update(token).digest();
