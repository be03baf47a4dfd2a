import { describe, expect, it } from 'vitest';
import { isDue, isoWeekKey, periodKey } from '../../src/digests/period.js';

const opts = { timeZone: 'Africa/Casablanca', hour: 7, weekday: 6 };

describe('periods', () => {
  it('keys daily periods by the local date', () => {
    expect(periodKey('daily', new Date('2026-11-29T23:30:00Z'), 'Asia/Riyadh')).toBe('2026-11-30');
    expect(periodKey('daily', new Date('2026-11-29T23:30:00Z'), 'Africa/Casablanca')).toBe('2026-11-30');
    expect(periodKey('daily', new Date('2026-11-29T22:30:00Z'), 'UTC')).toBe('2026-11-29');
  });

  it('keys weekly periods by ISO week, across year ends', () => {
    expect(isoWeekKey(2026, 11, 29)).toBe('2026-W48');
    expect(isoWeekKey(2027, 1, 1)).toBe('2026-W53');
    expect(isoWeekKey(2024, 12, 30)).toBe('2025-W01');
    expect(periodKey('weekly', new Date('2026-11-29T12:00:00Z'), 'UTC')).toBe('2026-W48');
  });

  it('is due from the configured local hour on', () => {
    // Casablanca is UTC+1 in November 2026.
    expect(isDue('daily', new Date('2026-11-29T05:59:00Z'), opts)).toBe(false);
    expect(isDue('daily', new Date('2026-11-29T06:00:00Z'), opts)).toBe(true);
    expect(isDue('daily', new Date('2026-11-29T22:00:00Z'), opts)).toBe(true);
  });

  it('is due weekly from the weekday and hour on, for the rest of that week', () => {
    expect(isDue('weekly', new Date('2026-11-27T10:00:00Z'), opts)).toBe(false); // Friday
    expect(isDue('weekly', new Date('2026-11-28T05:00:00Z'), opts)).toBe(false); // Saturday 06:00 local
    expect(isDue('weekly', new Date('2026-11-28T06:00:00Z'), opts)).toBe(true); // Saturday 07:00 local
    expect(isDue('weekly', new Date('2026-11-29T03:00:00Z'), opts)).toBe(true); // Sunday, caught up
  });
});
