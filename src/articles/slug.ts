/**
 * Slugs that keep Arabic: letters and digits of any script are kept, everything else becomes
 * a single hyphen, Latin is lower-cased, Arabic diacritics and tatweel are dropped. The result
 * is used in URLs percent-encoded, as WordPress does for Arabic titles.
 */
export function slugify(input: string, maxLength = 120): string {
  const slug = input
    .normalize('NFKC')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // harakat, superscript alef, tatweel
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return [...slug].slice(0, maxLength).join('').replace(/-+$/, '');
}

export const SLUG_PATTERN = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u;
