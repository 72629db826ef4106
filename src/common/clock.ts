import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return dateFormatOf(timeZone).format(instant);
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (8 % of a case read's
// CPU when built per call): one per time zone, kept.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormatOf(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** Adds days to a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The one source of "now" and "today" for business rules. "Today" is the date in the
 * deployment's time zone (TIME_ZONE, Asia/Vientiane by default), never UTC: between 00:00 and
 * 07:00 in Vientiane the UTC date is still yesterday. Tests move time by replacing `now`.
 */
@Injectable()
export class Clock {
  readonly timeZone: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timeZone = config.timeZone;
  }

  now(): Date {
    return new Date();
  }

  /** Today's date in the deployment's time zone. */
  today(): string {
    return localDate(this.now(), this.timeZone);
  }

  /** Today's local date as a Date at 00:00 UTC, for calendar arithmetic such as ages. */
  todayAsDate(): Date {
    return new Date(`${this.today()}T00:00:00Z`);
  }

  /** The local calendar date of an instant. */
  dateOf(instant: Date): string {
    return localDate(instant, this.timeZone);
  }

  /** An instant as local date and time with its offset, e.g. 2026-12-03T14:00:00+07:00 (deadlines shown to people). */
  localDateTime(instant: Date): string {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: this.timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      })
        .formatToParts(instant)
        .map((p) => [p.type, p.value]),
    );
    const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
  }

  /** The current year in the deployment's time zone. */
  year(): number {
    return Number(this.today().slice(0, 4));
  }
}
