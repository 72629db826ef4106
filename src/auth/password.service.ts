import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DomainError } from '../common/errors/domain-error.js';
import { COMMON_PASSWORDS_TEXT } from './data/common-passwords.js';

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const COMMON = new Set(COMMON_PASSWORDS_TEXT.split('\n'));

@Injectable()
export class PasswordService {
  /** Verified when the account does not exist, so both paths cost the same. */
  private readonly dummyHash = argon2.hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);

  /**
   * A hash holds a core for about 30 ms. At most half the cores hash at once (one on two
   * cores): a burst of logins then waits its turn instead of taking every core from the
   * requests of people already at work. Rate limits and lockouts refuse floods before this.
   */
  private readonly slots = Math.max(1, Math.floor(availableParallelism() / 2));
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  hash(password: string): Promise<string> {
    return this.inSlot(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const stored = hash ?? (await this.dummyHash);
      return await this.inSlot(() => argon2.verify(stored, password));
    } catch {
      return false;
    }
  }

  private async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.slots) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // A freed slot passes straight to the next in line.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /**
   * NIST SP 800-63B style: length 12–128, no composition rules, refuse common passwords
   * (also with digits or symbols tacked on) and ones built from the account's own email.
   */
  assertAcceptable(password: string, context: { email?: string } = {}, field = 'password'): void {
    const problems: string[] = [];
    const length = [...password].length;
    if (length < PASSWORD_MIN) problems.push(`${field} must be at least ${PASSWORD_MIN} characters`);
    if (length > PASSWORD_MAX) problems.push(`${field} must be at most ${PASSWORD_MAX} characters`);
    const lower = password.toLowerCase();
    const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
    const unit = repeatedUnit(lower);
    if (COMMON.has(lower) || (core.length >= 4 && COMMON.has(core)) || (unit.length >= 4 && COMMON.has(unit)))
      problems.push(`${field} is too common; choose a longer passphrase`);
    if (/^(.)\1+$/u.test(password)) problems.push(`${field} must not repeat one character`);
    else if (isRepetitive(lower) || isRepetitive(lower.replace(/[\s\p{P}\p{S}]+/gu, '')))
      problems.push(`${field} must not repeat a short pattern (e.g. "stringstring")`);
    if (new Set(lower).size < 5) problems.push(`${field} must use at least 5 different characters`);
    if (isSequence(lower)) problems.push(`${field} must not be a keyboard or alphabet sequence`);
    const local = context.email?.split('@')[0]?.toLowerCase();
    if (local && local.length >= 4 && lower.includes(local)) problems.push(`${field} must not contain your email name`);
    if (['ctcm', 'ctcmapi', 'password'].some((w) => core === w)) problems.push(`${field} is too easy to guess`);
    if (problems.length)
      throw new DomainError('VALIDATION_FAILED', 'The password does not meet the policy', {
        errors: [{ field, messages: problems }],
      });
  }

  /** A one-time password for bootstrap and admin resets: 20 characters from a 56-letter alphabet. */
  generateOneTimePassword(): string {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
    const bytes = randomBytes(40);
    let out = '';
    for (const b of bytes) {
      if (b < 224) out += alphabet[b % 56];
      if (out.length === 20) break;
    }
    return out.length === 20 ? out : this.generateOneTimePassword();
  }
}

/** The shortest unit the password repeats ("string" for "stringstring"), or the password itself. */
function repeatedUnit(password: string): string {
  return /^(.+?)\1+$/su.exec(password)?.[1] ?? password;
}

/** A unit said twice or more (Swagger UI's default "string" twice, "abcabcabcabc", "passwordpassword"). */
function isRepetitive(password: string): boolean {
  return repeatedUnit(password) !== password;
}

const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn',
];

/** A run along the alphabet, the digits or a keyboard row, forwards or backwards ("abcdefghijkl", "098765432109"). */
function isSequence(password: string): boolean {
  if ([...password].length < 8) return false;
  return SEQUENCES.some((sequence) => {
    const run = sequence.repeat(Math.ceil(password.length / sequence.length) + 1);
    return run.includes(password) || [...run].reverse().join('').includes(password);
  });
}
