import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stronger accounts: a TOTP second factor per user (its secret encrypted by the application),
 * hashed one-time recovery codes, the short-lived sign-in challenges between the password and the
 * code, what a user needs to recognise a session (device, address, last use, how it was signed in),
 * and rate-limit counters that skip the write-ahead log. None holds agency case data; like
 * auth_session they are read before any row-level-security context exists (at sign-in), so they
 * have no policies and only the application's own statements touch them.
 */
export class AccountsMfaSessionsRateLimits1797400000000 implements MigrationInterface {
  name = 'AccountsMfaSessionsRateLimits1797400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE user_second_factor (
      user_id uuid NOT NULL,
      kind character varying(10) NOT NULL DEFAULT 'totp',
      secret_enc bytea NOT NULL,
      created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      confirmed_at TIMESTAMP WITH TIME ZONE,
      last_used_step bigint,
      CONSTRAINT pk_user_second_factor PRIMARY KEY (user_id),
      CONSTRAINT fk_user_second_factor_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE TABLE user_recovery_code (
      user_id uuid NOT NULL,
      code_hash bytea NOT NULL,
      used_at TIMESTAMP WITH TIME ZONE,
      CONSTRAINT pk_user_recovery_code PRIMARY KEY (user_id, code_hash),
      CONSTRAINT fk_user_recovery_code_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE TABLE auth_mfa_challenge (
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      token_hash bytea NOT NULL,
      created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
      failed_attempts integer NOT NULL DEFAULT 0,
      consumed_at TIMESTAMP WITH TIME ZONE,
      CONSTRAINT pk_auth_mfa_challenge PRIMARY KEY (id),
      CONSTRAINT uq_auth_mfa_challenge_token UNIQUE (token_hash),
      CONSTRAINT fk_auth_mfa_challenge_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE INDEX ix_auth_mfa_challenge_user ON auth_mfa_challenge (user_id)`);
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON user_second_factor, user_recovery_code, auth_mfa_challenge TO ctcm_app`,
    );

    await queryRunner.query(`ALTER TABLE "auth_session" ADD "user_agent" character varying(300)`);
    await queryRunner.query(`ALTER TABLE "auth_session" ADD "client_ip" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "auth_session" ADD "last_used_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "auth_session" ADD "second_factor" character varying(20)`);

    // Counters are rewritten on every request: unlogged, an update waits for no WAL flush (a crash
    // forgets them, which only resets the windows).
    await queryRunner.query(`ALTER TABLE rate_limit_counter SET UNLOGGED`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE rate_limit_counter SET LOGGED`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP COLUMN "second_factor"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP COLUMN "last_used_at"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP COLUMN "client_ip"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP COLUMN "user_agent"`);
    await queryRunner.query(`DROP TABLE auth_mfa_challenge`);
    await queryRunner.query(`DROP TABLE user_recovery_code`);
    await queryRunner.query(`DROP TABLE user_second_factor`);
  }
}
