/**
 * The fields of the sign-up and preference forms. Every control has a label, groups have a
 * fieldset and legend, and a field's error is tied to it (`aria-invalid`, `aria-describedby`)
 * and listed, linked, in a summary at the top of the form.
 */
import type { Term } from '../storage/taxonomy.js';
import { esc } from './layout.js';
import type { Locale, Strings } from './i18n.js';
import type { FieldErrors, FieldName } from './subscription-form.js';
import { timeZoneOptions } from './subscription-timezones.js';

const FIELD_ORDER: FieldName[] = ['email', 'name', 'frequency', 'preferredWeekday', 'sections', 'authors', 'timezone', 'preferredHour', 'locale'];

/** Where the summary's link for each field points: the control, or a group's first control. */
const GROUP_ANCHORS: Partial<Record<FieldName, string>> = { frequency: 'frequency-daily', sections: 'sections-0', authors: 'authors-0', locale: 'locale-ar' };
const anchor = (field: FieldName) => GROUP_ANCHORS[field] ?? field;

/** The summary of every error, linked to the fields; empty when there is none. */
export function errorSummary(t: Strings, errors: FieldErrors): string {
  const items = FIELD_ORDER.filter((f) => errors[f]).map((f) => `<li><a href="#${anchor(f)}">${esc(t.errors[errors[f]!])}</a></li>`);
  if (items.length === 0) return '';
  return `<div class="errors" role="alert" id="errors"><h2>${esc(t.errorSummaryTitle)}</h2><p>${esc(t.errorSummaryText)}</p><ul>${items.join('')}</ul></div>`;
}

/** The error message of `field`, with the id its control points at. */
export const fieldError = (t: Strings, errors: FieldErrors, field: FieldName) =>
  errors[field] ? `<p class="error" id="${field}-error">${esc(t.errors[errors[field]!])}</p>` : '';

/**
 * `aria-describedby` (hints, then the error) for `field`'s control or fieldset, and
 * `aria-invalid` for a control with an error (a fieldset is a group: it takes no `aria-invalid`).
 */
export function describe(errors: FieldErrors, field: FieldName, hints: string[] = [], group = false): string {
  const ids = [...hints, ...(errors[field] ? [`${field}-error`] : [])];
  return `${ids.length ? ` aria-describedby="${ids.join(' ')}"` : ''}${errors[field] && !group ? ' aria-invalid="true"' : ''}`;
}

const checked = (on: boolean) => (on ? ' checked' : '');

export function frequencyFieldset(t: Strings, value: string, errors: FieldErrors): string {
  const radio = (f: 'daily' | 'weekly') =>
    `<label class="choice"><input type="radio" id="frequency-${f}" name="frequency" value="${f}"${checked(value === f)}> ${esc(t.frequency[f])}</label>`;
  return `<fieldset${describe(errors, 'frequency', [], true)}><legend>${esc(t.frequencyLegend)}</legend>${fieldError(t, errors, 'frequency')}${radio('daily')}${radio('weekly')}</fieldset>`;
}

// Saturday first, as the week runs on many Arab calendars (and the default day): ISO 6, 7, 1 … 5.
const WEEK_ORDER = [6, 7, 1, 2, 3, 4, 5];

// With scripts, the day hides while "daily" is ticked (unless it carries an error); without, it stays.
const WEEKLY_ONLY = `<script>(function(){var w=document.getElementById('preferredWeekday-field'),d=document.getElementById('frequency-daily'),r=document.getElementsByName('frequency');if(!w||!d)return;function u(){w.hidden=d.checked&&!w.querySelector('[aria-invalid]')}for(var i=0;i<r.length;i++)r[i].addEventListener('change',u);u()})()</script>`;

/**
 * The weekly digest's day: a `<select>` of the weekdays by name (ISO 1–7 as values), always in
 * the page so it works without scripts. A `value` that is no weekday (none chosen yet) selects
 * a "choose a day" option that, sent as is, changes nothing.
 */
export function weekdayField(t: Strings, value: string | undefined, errors: FieldErrors): string {
  const known = /^[1-7]$/.test(value ?? '');
  const placeholder = known ? '' : `<option value="" selected>${esc(t.weekdayPlaceholder)}</option>`;
  const options = WEEK_ORDER.map((d) => `<option value="${d}"${String(d) === value ? ' selected' : ''}>${esc(t.weekdays[d - 1] ?? String(d))}</option>`);
  return `<div id="preferredWeekday-field"><label for="preferredWeekday">${esc(t.weekdayLabel)}</label><p class="hint" id="preferredWeekday-hint">${esc(t.weekdayHint)}</p>${fieldError(t, errors, 'preferredWeekday')}<select id="preferredWeekday" name="preferredWeekday"${describe(errors, 'preferredWeekday', ['preferredWeekday-hint'])}>${placeholder}${options.join('')}</select></div>${WEEKLY_ONLY}`;
}

/** Checkboxes of sections or authors (by slug); nothing when there are none to offer. */
export function topicsFieldset(t: Strings, kind: 'sections' | 'authors', terms: Term[], selected: string[], errors: FieldErrors): string {
  if (terms.length === 0) return '';
  const legend = kind === 'sections' ? t.sectionsLegend : t.authorsLegend;
  const boxes = terms
    .map((term, i) => `<label class="choice"><input type="checkbox" id="${kind}-${i}" name="${kind}" value="${esc(term.slug)}"${checked(selected.includes(term.slug))}> <span dir="auto">${esc(term.name)}</span></label>`)
    .join('');
  return `<fieldset${describe(errors, kind, [`${kind}-hint`], true)}><legend>${esc(legend)}</legend><p class="hint" id="${kind}-hint">${esc(t.topicsHint)}</p>${fieldError(t, errors, kind)}<div class="checks">${boxes}</div></fieldset>`;
}

// Fills the time zone from the browser, when it says; the server's default stays otherwise.
const DETECT_TIME_ZONE = `<script>(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone,s=document.getElementById('timezone');if(!z||!s)return;for(var i=0;i<s.options.length;i++)if(s.options[i].value===z){s.value=z;return}s.add(new Option(z.replace(/_/g,' '),z),0);s.value=z}catch(e){}})()</script>`;

/** The time zone `<select>`; with `detect`, a tiny script picks the browser's zone. */
export function timezoneField(t: Strings, locale: Locale, value: string, errors: FieldErrors, detect: boolean): string {
  const options = timeZoneOptions(locale, value).map(([id, label]) => `<option value="${esc(id)}"${id === value ? ' selected' : ''}>${esc(label)}</option>`);
  return `<label for="timezone">${esc(t.timezoneLabel)}</label>${fieldError(t, errors, 'timezone')}<select id="timezone" name="timezone"${describe(errors, 'timezone')}>${options.join('')}</select>${detect ? DETECT_TIME_ZONE : ''}`;
}

export function hourField(t: Strings, value: string, errors: FieldErrors): string {
  const options = Array.from({ length: 24 }, (_, h) => `<option value="${h}"${String(h) === value ? ' selected' : ''}>${esc(t.hour(h))}</option>`);
  return `<label for="preferredHour">${esc(t.hourLabel)}</label><p class="hint" id="preferredHour-hint">${esc(t.hourHint)}</p>${fieldError(t, errors, 'preferredHour')}<select id="preferredHour" name="preferredHour" dir="ltr"${describe(errors, 'preferredHour', ['preferredHour-hint'])}>${options.join('')}</select>`;
}

/** Arabic or English, each named in its own language. */
export function languageFieldset(t: Strings, value: string, errors: FieldErrors): string {
  const radio = (l: Locale, name: string) =>
    `<label class="choice" lang="${l}"><input type="radio" id="locale-${l}" name="locale" value="${l}"${checked(value === l)}> ${esc(name)}</label>`;
  return `<fieldset${describe(errors, 'locale', [], true)}><legend>${esc(t.languageLegend)}</legend>${fieldError(t, errors, 'locale')}${radio('ar', 'العربية')}${radio('en', 'English')}</fieldset>`;
}
