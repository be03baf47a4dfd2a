/**
 * Reading the sign-up and preference forms: every field checked, each problem named by field
 * so the form can come back with the values as typed and a message next to each field.
 */
import { normalizeEmail } from '../subscribers/address.js';
import { canonicalTimeZone, type Frequency } from '../subscribers/choices.js';
import { isLocale, type Locale, type Strings } from './i18n.js';

/** A form body: every field's values, in order (checkboxes repeat their name). */
export type FormBody = Record<string, string[]>;

export type ErrorKey = keyof Strings['errors'];
export type FieldName = 'email' | 'name' | 'frequency' | 'preferredWeekday' | 'sections' | 'authors' | 'timezone' | 'preferredHour' | 'locale';
export type FieldErrors = Partial<Record<FieldName, ErrorKey>>;

/**
 * Choices as the form holds them (strings as typed), for showing the form again. An empty or
 * absent weekday is no choice: the form then offers the days with none selected.
 */
export type ChoiceFields = {
  frequency: string; preferredWeekday?: string; sections: string[]; authors: string[]; timezone: string; preferredHour: string; locale: string;
};
export type SignupFields = ChoiceFields & { email: string; name: string };

/**
 * Choices once every field is valid. `preferredWeekday` (ISO 1 Monday … 7 Sunday) is undefined
 * when the form named no day: the reader's current day stays, or DIGEST_WEEKDAY at sign-up.
 */
export type Choices = {
  frequency: Frequency; preferredWeekday: number | undefined; sections: string[]; authors: string[]; timezone: string; preferredHour: number; locale: Locale;
};
export type Signup = Choices & { email: string; name: string | undefined };

/** The section and author slugs the form offered. */
export type Offered = { sections: ReadonlySet<string>; authors: ReadonlySet<string> };

export type FormResult<F, V> = { fields: F; errors: FieldErrors; valid?: V };

const first = (body: FormBody, name: string): string | undefined => body[name]?.[0];

/**
 * The choice fields of `body` (missing ones from `defaults`; no ticked box means none). Each
 * field is checked: frequency, a weekday 1–7 (or none), sections and authors among those
 * `offered`, an IANA time zone, an hour 0–23, a locale.
 */
export function readChoiceFields(body: FormBody, offered: Offered, defaults: ChoiceFields): FormResult<ChoiceFields, Choices> {
  const fields: ChoiceFields = {
    frequency: first(body, 'frequency') ?? defaults.frequency,
    preferredWeekday: (first(body, 'preferredWeekday') ?? defaults.preferredWeekday ?? '').trim(),
    sections: [...new Set(body.sections ?? [])],
    authors: [...new Set(body.authors ?? [])],
    timezone: (first(body, 'timezone') ?? defaults.timezone).trim(),
    preferredHour: (first(body, 'preferredHour') ?? defaults.preferredHour).trim(),
    locale: first(body, 'locale') ?? defaults.locale,
  };
  const errors: FieldErrors = {};
  if (fields.frequency !== 'daily' && fields.frequency !== 'weekly') errors.frequency = 'frequencyInvalid';
  const weekday = readWeekday(fields.preferredWeekday ?? '');
  if (weekday === null) errors.preferredWeekday = 'weekdayInvalid';
  if (!fields.sections.every((s) => offered.sections.has(s))) errors.sections = 'sectionUnknown';
  if (!fields.authors.every((a) => offered.authors.has(a))) errors.authors = 'authorUnknown';
  const timezone = canonicalTimeZone(fields.timezone);
  if (!timezone) errors.timezone = 'timezoneInvalid';
  const hour = /^\d{1,2}$/.test(fields.preferredHour) ? Number(fields.preferredHour) : -1;
  if (hour < 0 || hour > 23) errors.preferredHour = 'hourInvalid';
  if (!isLocale(fields.locale)) errors.locale = 'localeInvalid';
  if (Object.keys(errors).length > 0) return { fields, errors };
  return {
    fields,
    errors,
    valid: {
      frequency: fields.frequency as Frequency,
      preferredWeekday: weekday ?? undefined,
      sections: fields.sections,
      authors: fields.authors,
      timezone: timezone as string,
      preferredHour: hour,
      locale: fields.locale as Locale,
    },
  };
}

/** The sign-up form: address and name, then the choices as {@link readChoiceFields}. */
export function readSignupFields(body: FormBody, offered: Offered, defaults: ChoiceFields): FormResult<SignupFields, Signup> {
  const choices = readChoiceFields(body, offered, defaults);
  const fields: SignupFields = { ...choices.fields, email: (first(body, 'email') ?? '').trim(), name: (first(body, 'name') ?? '').trim() };
  const errors: FieldErrors = {};
  if (!fields.email) errors.email = 'emailRequired';
  else if (!isEmail(fields.email)) errors.email = 'emailInvalid';
  if ([...fields.name].length > 100) errors.name = 'nameTooLong';
  const all = { ...errors, ...choices.errors };
  if (!choices.valid || Object.keys(errors).length > 0) return { fields, errors: all };
  return { fields, errors: all, valid: { ...choices.valid, email: fields.email, name: fields.name || undefined } };
}

/** An ISO weekday 1–7 from the form; undefined for none chosen, null for anything else. */
function readWeekday(value: string): number | undefined | null {
  if (value === '') return undefined;
  return /^[1-7]$/.test(value) ? Number(value) : null;
}

function isEmail(value: string): boolean {
  try {
    normalizeEmail(value);
    return true;
  } catch {
    return false;
  }
}
