/** Periods in a reader's time zone: which one an instant falls in, and when each begins. */
export type Cadence = 'daily' | 'weekly';

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short',
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

/** Wall-clock parts of `at` in `timeZone`; weekday is ISO (Monday 1 … Sunday 7). */
export function localParts(at: Date, timeZone: string): LocalParts {
  const p = Object.fromEntries(formatterFor(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday as string) + 1;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday,
  };
}

/** ISO-8601 week of a calendar date: `2026-W48`. */
export function isoWeekKey(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides its year
  const weekYear = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(weekYear, 0, 1)) / 86400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

function keyOfDate(cadence: Cadence, d: Date): string {
  if (cadence === 'weekly') return isoWeekKey(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return d.toISOString().slice(0, 10);
}

export function periodKey(cadence: Cadence, at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return keyOfDate(cadence, new Date(Date.UTC(p.year, p.month - 1, p.day)));
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetMs(timeZone: string, at: number): number {
  const p = localParts(new Date(at), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/** The instant a local calendar date begins in `timeZone` (its first existing moment). */
export function localMidnight(timeZone: string, year: number, month: number, day: number): Date {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - offsetMs(timeZone, wall);
  t = wall - offsetMs(timeZone, t); // again, in case an offset change lies between
  return new Date(t);
}

/** A period as a key and the instant it begins (local midnight; Monday's for a week). */
export type PeriodStart = { key: string; start: Date };

/**
 * The period containing `at` in `timeZone` and the one before it (yesterday, or last ISO
 * week), each with the instant it began.
 */
export function currentAndPrevious(cadence: Cadence, at: Date, timeZone: string): { current: PeriodStart; previous: PeriodStart } {
  const p = localParts(at, timeZone);
  const back = cadence === 'weekly' ? p.weekday - 1 : 0; // to the Monday
  const step = cadence === 'weekly' ? 7 : 1;
  const first = new Date(Date.UTC(p.year, p.month - 1, p.day - back));
  const before = new Date(Date.UTC(p.year, p.month - 1, p.day - back - step));
  const startOf = (d: Date) => localMidnight(timeZone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return {
    current: { key: keyOfDate(cadence, first), start: startOf(first) },
    previous: { key: keyOfDate(cadence, before), start: startOf(before) },
  };
}
