import { describe, expect, it } from 'vitest';
import { isoWeekKey, periodKey } from '../../src/digests/period.js';

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
});
