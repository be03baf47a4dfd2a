/** Which period an instant falls in, and whether that period's edition is due yet. */
export type Cadence = 'daily' | 'weekly';

type LocalParts = { year: number; month: number; day: number; hour: number; weekday: number };

/** Wall-clock parts of `at` in `timeZone`; weekday is ISO (Monday 1 … Sunday 7). */
export function localParts(at: Date, timeZone: string): LocalParts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short',
  });
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday as string) + 1;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), weekday };
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

export function periodKey(cadence: Cadence, at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  if (cadence === 'weekly') return isoWeekKey(p.year, p.month, p.day);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Whether the edition of the period containing `at` should go out: from `hour` local time
 * on (daily), or from `hour` on the configured weekday or any later day of that week (weekly),
 * so a tick missed during downtime is caught up by the next one.
 */
export function isDue(cadence: Cadence, at: Date, opts: { timeZone: string; hour: number; weekday: number }): boolean {
  const p = localParts(at, opts.timeZone);
  if (cadence === 'daily') return p.hour >= opts.hour;
  return p.weekday > opts.weekday || (p.weekday === opts.weekday && p.hour >= opts.hour);
}
