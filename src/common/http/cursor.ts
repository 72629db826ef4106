import { DomainError } from '../errors/domain-error.js';
import { LONE_SURROGATE, MAX_YEAR, MIN_YEAR } from './input-rules.js';
import { CONTROL_CHARACTERS } from './json-body.js';

/** The SQL type a keyset cursor's sort value is compared as. */
export type CursorValueType = 'timestamptz' | 'text' | 'bigint' | 'uuid';

/** ISO 8601, or PostgreSQL's text form of a timestamptz ("2026-12-02 02:15:11.123456+00"). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(?::?\d{2})?)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a decoded cursor value is one PostgreSQL takes as its type without error. */
export function isCursorValue(type: CursorValueType, value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 300) return false;
  switch (type) {
    case 'timestamptz': {
      const m = TIMESTAMP.exec(value);
      if (!m) return false;
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
      const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
      return (
        year! >= MIN_YEAR &&
        year! <= MAX_YEAR &&
        month! >= 1 &&
        month! <= 12 &&
        day! >= 1 &&
        day! <= daysInMonth &&
        hour! < 24 &&
        minute! < 60 &&
        second! < 60
      );
    }
    case 'text':
      return !CONTROL_CHARACTERS.test(value) && !LONE_SURROGATE.test(value);
    case 'bigint':
      return /^\d{1,18}$/.test(value);
    case 'uuid':
      return UUID.test(value);
  }
}

/** A cursor that is not one this API issued: 400 with the same stable code for every route. */
export function invalidCursor(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'Invalid cursor', {
    errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }],
  });
}
