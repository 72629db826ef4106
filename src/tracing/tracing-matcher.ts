import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/context/request-context.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { findArrivalsByNameIndex } from '../returns/returns.queries.js';
import { displayScriptName, indexableNames, type MatchQuery, type ScriptNames, scoreHit } from './name-match.js';
import { findTracingRequestsByNameIndex } from './tracing.queries.js';

export interface MatchFacts {
  birthYear: number | null;
  homeProvinceCode: string | null;
  gender: string | null;
}

export interface ReturneeCandidate {
  expectedArrivalId: string;
  noticeId: string;
  score: number;
  reasons: string[];
  displayName: string;
  gender: string | null;
  birthYear: number | null;
  homeProvinceCode: string | null;
  status: string;
  expectedOn: string;
}

export interface TracingCandidate {
  tracingRequestId: string;
  score: number;
  reasons: string[];
  receivedOn: string;
  status: string;
}

const MAX_CANDIDATES = 20;

/**
 * Blind-index matching between expected returnees and tracing requests, in both directions,
 * within the caller's agency. Scores like person matching (src/tracing/name-match.ts).
 */
@Injectable()
export class TracingMatcher {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  private query(names: ScriptNames, facts: MatchFacts): MatchQuery & { exact: Buffer[]; phonetic: Buffer[] } {
    const { exact, phonetic } = this.codec.queryIndexes(indexableNames(names));
    return {
      exact,
      phonetic,
      exactCount: exact.length,
      phoneticCount: phonetic.length,
      birthYearIndex: facts.birthYear ? this.codec.birthYearIndex(facts.birthYear) : null,
      homeProvinceCode: facts.homeProvinceCode,
      gender: facts.gender,
    };
  }

  /** Named expected returnees of the caller's agency that resemble the names. */
  async arrivalsLike(actor: Actor, names: ScriptNames, facts: MatchFacts): Promise<ReturneeCandidate[]> {
    const q = this.query(names, facts);
    if (!q.exact.length && !q.phonetic.length) return [];
    const rows = await findArrivalsByNameIndex(this.tx.manager(), actor.agencyId, q.exact, q.phonetic);
    return rows
      .map((r) => {
        const { score, reasons } = scoreHit(q, {
          exactHits: r.exact_hits,
          phoneticHits: r.phonetic_hits,
          birthYearBidx: r.birth_year_bidx,
          homeProvinceCode: r.home_province_code,
          gender: r.gender,
        });
        const ctx = (column: string) => ({ table: 'expected_arrival', column, id: r.id });
        const birth = this.cipher.decryptOptional<StoredBirth>(r.birth_enc, ctx('birth_enc'));
        return {
          expectedArrivalId: r.id,
          noticeId: r.notice_id,
          score,
          reasons,
          displayName: displayScriptName(this.cipher.decryptJson<ScriptNames>(r.names_enc, ctx('names_enc'))),
          gender: r.gender,
          birthYear: birth?.birthYear ?? null,
          homeProvinceCode: r.home_province_code,
          status: r.status,
          expectedOn: r.expected_on,
        };
      })
      .sort((a, b) => b.score - a.score || a.expectedArrivalId.localeCompare(b.expectedArrivalId))
      .slice(0, MAX_CANDIDATES);
  }

  /** Open tracing requests of the caller's agency whose missing person resembles the names. */
  async tracingRequestsLike(actor: Actor, names: ScriptNames, facts: MatchFacts): Promise<TracingCandidate[]> {
    const q = this.query(names, facts);
    if (!q.exact.length && !q.phonetic.length) return [];
    const rows = await findTracingRequestsByNameIndex(this.tx.manager(), actor.agencyId, q.exact, q.phonetic);
    return rows
      .filter((r) => r.status === 'open')
      .map((r) => ({
        tracingRequestId: r.id,
        receivedOn: r.received_on,
        status: r.status,
        ...scoreHit(q, {
          exactHits: r.exact_hits,
          phoneticHits: r.phonetic_hits,
          birthYearBidx: r.birth_year_bidx,
          homeProvinceCode: r.home_province_code,
          gender: r.gender,
        }),
      }))
      .sort((a, b) => b.score - a.score || a.tracingRequestId.localeCompare(b.tracingRequestId))
      .slice(0, MAX_CANDIDATES);
  }
}
