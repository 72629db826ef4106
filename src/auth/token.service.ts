import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { KEY_MATERIAL, type KeyMaterial } from '../config/key-material.js';

export const JWT_ALGORITHM = 'HS256' as const;

export interface AccessTokenClaims {
  sub: string;
  agency: string;
  roles: string[];
  /** Token version: bumping the user's version invalidates every token issued before. */
  tv: number;
  /** Session (refresh-token family). */
  sid: string;
  /** Present (true) when the tokens serve only to set up the second factor the user's role requires. */
  enr?: true;
}

@Injectable()
export class TokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KEY_MATERIAL) private readonly keys: KeyMaterial,
  ) {}

  signAccessToken(claims: AccessTokenClaims): { token: string; expiresIn: number } {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const token = jwt.sign(
      {
        agency: claims.agency,
        roles: claims.roles,
        tv: claims.tv,
        sid: claims.sid,
        ...(claims.enr ? { enr: true } : {}),
      },
      this.keys.jwtSecret,
      {
        algorithm: JWT_ALGORITHM,
        subject: claims.sub,
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        expiresIn,
      },
    );
    return { token, expiresIn };
  }

  /** An opaque refresh token; only its SHA-256 is stored. */
  newRefreshToken(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): Buffer {
    return createHash('sha256').update(token).digest();
  }
}
