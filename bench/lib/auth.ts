import jwt from 'jsonwebtoken';
import type pg from 'pg';
import { uuidv7 } from '../../src/common/uuid.js';
import type { BenchKeys } from './cluster.js';

export interface BenchUser {
  id: string;
  agencyId: string;
  roles: string[];
}

/**
 * Sessions without the argon2 login, as test/harness/given.ts quickSession does: a real
 * auth_session row and an HS256 token signed like TokenService (iss/aud ctcm-api, 15 minutes).
 * Tokens are minted per scenario, so long runs never use an expired one.
 */
export class TokenMint {
  private readonly sessions = new Map<string, string>();

  constructor(
    private readonly keys: BenchKeys,
    private readonly owner: pg.Pool,
  ) {}

  async session(user: BenchUser): Promise<string> {
    let sid = this.sessions.get(user.id);
    if (!sid) {
      sid = uuidv7();
      await this.owner.query(
        `INSERT INTO auth_session (id, user_id, absolute_expires_at) VALUES ($1, $2, now() + interval '12 hours')`,
        [sid, user.id],
      );
      this.sessions.set(user.id, sid);
    }
    return sid;
  }

  async bearer(user: BenchUser): Promise<string> {
    const sid = await this.session(user);
    const token = jwt.sign({ agency: user.agencyId, roles: user.roles, tv: 1, sid }, this.keys.jwtSecret, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'ctcm-api',
      audience: 'ctcm-api',
      expiresIn: 900,
    });
    return `Bearer ${token}`;
  }
}
