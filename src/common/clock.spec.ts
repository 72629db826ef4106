import { loadConfig } from '../config/app-config.js';
import { addDays, Clock, localDate } from './clock.js';

describe('Clock', () => {
  const at = (iso: string, timeZone = 'Asia/Vientiane') => {
    const clock = new Clock({ ...loadConfig({}), timeZone });
    clock.now = () => new Date(iso);
    return clock;
  };

  it.each([
    ['2026-12-01T23:30:00Z', 'Asia/Vientiane', '2026-12-02'],
    ['2026-12-01T16:59:59Z', 'Asia/Vientiane', '2026-12-01'],
    ['2026-12-01T17:00:00Z', 'Asia/Vientiane', '2026-12-02'],
    ['2026-12-31T23:30:00Z', 'Asia/Vientiane', '2027-01-01'],
    ['2026-12-01T23:30:00Z', 'UTC', '2026-12-01'],
  ])('at %s in %s today is %s', (iso, timeZone, expected) => {
    expect(at(iso, timeZone).today()).toBe(expected);
  });

  it('gives the local year (case numbers) and local date-times with their offset (deadlines)', () => {
    const clock = at('2026-12-31T23:30:00Z');
    expect(clock.year()).toBe(2027);
    expect(clock.localDateTime(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-02T06:30:00+07:00');
    expect(at('2026-12-01T00:00:00Z', 'UTC').localDateTime(new Date('2026-12-01T23:30:00Z'))).toBe(
      '2026-12-01T23:30:00+00:00',
    );
  });

  it('does calendar arithmetic on dates without a time zone', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(localDate(new Date('2026-06-30T20:00:00Z'), 'Asia/Vientiane')).toBe('2026-07-01');
  });
});
