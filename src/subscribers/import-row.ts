/**
 * One row of a subscriber import file: the header that names the columns, and the checks that
 * turn a row into the fields of a new subscriber or into a reason it cannot be imported.
 */
import { AppError } from '../errors.js';
import type { SubscriberRow } from '../storage/schema.js';
import { normalizeEmail } from './address.js';

/**
 * The columns an import file may have; only `email` is required, the order is free. `status`
 * and `suppressed_at` let a file exported from Nashra come back in safely: only confirmed
 * readers are imported, and addresses suppressed where the file came from are not.
 */
export const IMPORT_COLUMNS = [
  'email', 'name', 'frequency', 'locale', 'timezone', 'preferred_hour', 'preferred_weekday',
  'consent_at', 'consent_ip', 'consent_source', 'status', 'suppressed_at',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];

export type ImportHeader = { index: Partial<Record<Column, number>>; ignored: string[] };

/** Reads the header row (names in any case, spaces or hyphens for `_`). Throws `invalid_request`. */
export function readImportHeader(fields: string[]): ImportHeader {
  const index: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      if (name) ignored.push(raw.trim());
      return;
    }
    if (index[name as Column] !== undefined) throw new AppError('invalid_request', `The column "${name}" appears twice in the first row`);
    index[name as Column] = i;
  });
  if (index.email === undefined) {
    throw new AppError('invalid_request', `The first row must name the columns, one of them "email" (known: ${IMPORT_COLUMNS.join(', ')})`);
  }
  return { index, ignored };
}

/** The fields of a new subscriber that come from the file. */
export type ImportedFields = Pick<
  SubscriberRow, 'email' | 'name' | 'frequency' | 'locale' | 'timezone' | 'preferredHour' | 'preferredWeekday' | 'consentAt' | 'consentIp'
> & {
  consentNote: string | null;
  /** The file says the address was suppressed where it came from. */
  suppressedElsewhere: boolean;
};

/** Why a row is not imported. */
export type RowSkipped = { skip: 'invalid'; message: string };
const invalid = (message: string): RowSkipped => ({ skip: 'invalid', message });

export type RowDefaults = { now: Date; timezone: string; hour: number; weekday: number; consentNote: string | null };

const FREQUENCIES: Record<string, SubscriberRow['frequency']> = { daily: 'daily', weekly: 'weekly', 'يومي': 'daily', 'أسبوعي': 'weekly' };
/** ISO weekdays by English and Arabic name (hamzas on the alef dropped, see `readWeekday`). */
const WEEKDAYS: Record<string, number> = {
  monday: 1, mon: 1, tuesday: 2, tue: 2, wednesday: 3, wed: 3, thursday: 4, thu: 4, friday: 5, fri: 5, saturday: 6, sat: 6, sunday: 7, sun: 7,
  'الاثنين': 1, 'الثلاثاء': 2, 'الاربعاء': 3, 'الخميس': 4, 'الجمعة': 5, 'السبت': 6, 'الاحد': 7,
};
const MAX_NAME = 100;
const MAX_NOTE = 200;
// Date, or date and time; a time without an offset is read as UTC.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A cell as stored: control characters and line breaks become spaces, spaces are collapsed, and
 * the apostrophe a Nashra export puts before a cell a spreadsheet would run as a formula goes.
 */
const clean = (s: string | undefined) =>
  (s ?? '')
    .replace(/^'(?=[=+\-@\t\r])/, '')
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Checks one row and returns the subscriber's fields, or why it is not imported. Empty optional
 * cells take the defaults: daily, Arabic, DIGEST_TIMEZONE, DIGEST_HOUR, DIGEST_WEEKDAY, consent
 * given at the time of the import.
 */
export function readImportRow(fields: string[], header: ImportHeader, defaults: RowDefaults): ImportedFields | RowSkipped {
  const cell = (c: Column) => {
    const i = header.index[c];
    return i === undefined ? '' : clean(fields[i]);
  };
  let email: string;
  try {
    email = normalizeEmail(fields[header.index.email as number] ?? '');
  } catch {
    return invalid(`"${cell('email').slice(0, 80)}" is not a valid email address`);
  }
  const status = cell('status').toLowerCase();
  if (status && status !== 'confirmed') return invalid(`only confirmed readers are imported, and this one is ${status.slice(0, 20)}`);
  const name = cell('name');
  if (name.length > MAX_NAME) return invalid(`the name is longer than ${MAX_NAME} characters`);
  const frequency = FREQUENCIES[cell('frequency').toLowerCase() || 'daily'];
  if (!frequency) return invalid(`frequency must be daily or weekly, not "${cell('frequency').slice(0, 40)}"`);
  const locale = (cell('locale').toLowerCase() || 'ar').split(/[-_]/)[0];
  if (locale !== 'ar' && locale !== 'en') return invalid(`locale must be ar or en, not "${cell('locale').slice(0, 40)}"`);
  const timezone = readTimezone(cell('timezone') || defaults.timezone);
  if (!timezone) return invalid(`"${cell('timezone').slice(0, 60)}" is not an IANA time zone such as Africa/Casablanca`);
  const preferredHour = cell('preferred_hour') ? readHour(cell('preferred_hour')) : defaults.hour;
  if (preferredHour === null) return invalid(`preferred_hour must be a whole hour from 0 to 23, not "${cell('preferred_hour').slice(0, 40)}"`);
  const preferredWeekday = cell('preferred_weekday') ? readWeekday(cell('preferred_weekday')) : defaults.weekday;
  if (preferredWeekday === null) return invalid(`preferred_weekday must be 1 (Monday) to 7 (Sunday) or a day's name, not "${cell('preferred_weekday').slice(0, 40)}"`);
  const consentAt = cell('consent_at') ? readTime(cell('consent_at')) : defaults.now;
  if (!consentAt) return invalid(`consent_at must be a date such as 2025-03-01 or 2025-03-01T10:00:00Z, not "${cell('consent_at').slice(0, 40)}"`);
  if (consentAt.getTime() > defaults.now.getTime()) return invalid('consent_at is in the future');
  const consentIp = cell('consent_ip');
  if (consentIp && !/^(?:[0-9.]{7,15}|[0-9a-f:.]{2,45})$/i.test(consentIp)) return invalid(`"${consentIp.slice(0, 60)}" is not an IP address`);
  const note = cell('consent_source') || defaults.consentNote;
  return {
    email, name: name || null, frequency, locale, timezone, preferredHour, preferredWeekday, consentAt, consentIp: consentIp || null,
    consentNote: note ? note.slice(0, MAX_NOTE) : null, suppressedElsewhere: cell('suppressed_at') !== '',
  };
}

// Checking a zone builds an Intl formatter (about 0.1 ms): each distinct value is checked once.
const zones = new Map<string, string | null>();

function readTimezone(tz: string): string | null {
  let known = zones.get(tz);
  if (known === undefined) {
    try {
      known = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
    } catch {
      known = null;
    }
    if (zones.size < 1000) zones.set(tz, known);
  }
  return known;
}

/** `7`, `07` or `07:00`; null for anything else. */
function readHour(value: string): number | null {
  const m = /^(\d{1,2})(?::00)?$/.exec(value);
  const h = m ? Number(m[1]) : -1;
  return h >= 0 && h <= 23 ? h : null;
}

/** `1`–`7` (ISO, Monday first), or the day's name in English or Arabic; null for anything else. */
function readWeekday(value: string): number | null {
  if (/^[1-7]$/.test(value)) return Number(value);
  const name = value.toLowerCase().replace(/^يوم\s+/, '').replace(/[أإآ]/g, 'ا');
  return WEEKDAYS[name] ?? null;
}

function readTime(value: string): Date | null {
  const m = ISO_TIME.exec(value);
  if (!m) return null;
  const [, date = '', time, zone] = m;
  // Date rolls 2025-02-30 over to March: a day that does not exist is refused.
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) return null;
  if (!time) return day;
  const offset = !zone || zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const d = new Date(`${date}T${time}${offset}`);
  return Number.isNaN(d.getTime()) ? null : d;
}
