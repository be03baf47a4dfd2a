/**
 * The newsletter archive for people: every edition that went out, newest first, in pages, with
 * the edition feeds for readers who would rather follow it there. Plain links and no script.
 * Arabic, or English (`?lang=en`) around the Arabic pieces' titles.
 */
import type { ArchiveEdition, ArchivePage } from '../digests/archive.js';
import { dirOf, type Locale } from './i18n.js';
import { esc, page, type FeedAlternate } from './layout.js';
import { EDITION_FEED_PATHS } from './newsletter-feed.js';
import { archiveHref, archiveStrings } from './newsletter-strings.js';

/** Styles the archive pages add to the layout's (inline: pages load nothing from elsewhere). */
export const ARCHIVE_STYLE = `<style>
.editions{list-style:none;margin:1rem 0;padding:0}.editions>li{margin:0 0 1rem}
.editions h2{font-size:1.2rem;margin:0 0 .25rem}.editions ul{margin:.5rem 0 0;padding-inline-start:1.25rem}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
.cta{display:inline-block;padding:.6rem 1.2rem;background:#0b5d4b;color:#fff;border-radius:6px;font-weight:700;text-decoration:none}
.cta:focus-visible{outline:3px solid #b7791f;outline-offset:2px}
.lang-switch{margin:0 0 .5rem;text-align:end}
</style>`;

/** The edition feeds, for `<link rel="alternate">` (relative: any host). */
export function editionFeedAlternates(siteName: string, locale: Locale = 'ar'): FeedAlternate[] {
  const t = archiveStrings(locale);
  return [
    { type: 'application/rss+xml', title: t.feedTitle(siteName, 'RSS'), href: EDITION_FEED_PATHS.rss },
    { type: 'application/atom+xml', title: t.feedTitle(siteName, 'Atom'), href: EDITION_FEED_PATHS.atom },
    { type: 'application/feed+json', title: t.feedTitle(siteName, 'JSON Feed'), href: EDITION_FEED_PATHS.json },
  ];
}

/** The same-site path of an edition's page in `locale`. */
export const editionPath = (id: string, locale: Locale = 'ar') => archiveHref(`/newsletter/archive/${encodeURIComponent(id)}`, locale);

/** The same page in the other language (`path` without its `lang`), for readers who landed on the wrong one. */
export function languageSwitch(path: string, locale: Locale, params: Record<string, string> = {}): string {
  const other: Locale = locale === 'ar' ? 'en' : 'ar';
  return `<p class="lang-switch"><a href="${esc(archiveHref(path, other, params))}" hreflang="${other}" lang="${other}">${esc(archiveStrings(locale).otherLanguage)}</a></p>`;
}

/** The options every archive page gives the layout: its language, direction and feeds. */
export function archivePageOptions(siteName: string, locale: Locale) {
  return { siteName, lang: locale, dir: dirOf(locale), alternates: editionFeedAlternates(siteName, locale) };
}

function editionItem({ edition, content }: ArchiveEdition, locale: Locale): string {
  const meta = [archiveStrings(locale).cadence(edition.cadence), content.followingLabel].filter(Boolean).map(esc).join(' · ');
  const titles = content.articles.map((a) => `<li>${esc(a.title)}</li>`).join('');
  const pieces = locale === 'ar' ? `<ul>${titles}</ul>` : `<ul lang="ar" dir="rtl">${titles}</ul>`;
  return `<li class="card"><h2><a href="${esc(editionPath(edition.id, locale))}">${esc(content.dateLabel)}</a></h2>
<p class="muted">${meta}</p>${pieces}</li>`;
}

function feedLinks(): string {
  const link = (path: string, label: string) => `<a href="${esc(path)}" dir="ltr">${label}</a>`;
  return `${link(EDITION_FEED_PATHS.rss, 'RSS')} · ${link(EDITION_FEED_PATHS.atom, 'Atom')} · ${link(EDITION_FEED_PATHS.json, 'JSON Feed')}`;
}

/** An archive page in `locale`; `before` is the cursor it was reached with (the older pages), undefined on the first. */
export function archivePageHtml(siteName: string, archive: ArchivePage, before: string | undefined, locale: Locale = 'ar'): string {
  const t = archiveStrings(locale);
  const first = before === undefined;
  const list = archive.editions.length
    ? `<ol class="editions">${archive.editions.map((e) => editionItem(e, locale)).join('\n')}</ol>`
    : `<p class="card">${esc(first ? t.noEditionYet : t.noOlderEditions)}</p>`;
  const newer = first ? '<span></span>' : `<a href="${esc(archiveHref('/newsletter/archive', locale))}">${esc(t.newer)}</a>`;
  const older = archive.older ? `<a href="${esc(archiveHref('/newsletter/archive', locale, { before: archive.older }))}" rel="next">${esc(t.older)}</a>` : '<span></span>';
  const pager = first && !archive.older ? '' : `<nav class="pager" aria-label="${esc(t.pagerLabel)}">${newer}${older}</nav>`;
  return page({
    ...archivePageOptions(siteName, locale),
    title: t.archiveTitle,
    head: `${ARCHIVE_STYLE}${first ? '' : '\n<meta name="robots" content="noindex, follow">'}`,
    body: `<div class="card">${languageSwitch('/newsletter/archive', locale, first ? {} : { before })}<h1>${esc(t.archiveHeading)}</h1>
<p>${esc(t.archiveIntro(siteName))}</p>
<p><a class="cta" href="${esc(archiveHref('/subscribe', locale))}">${esc(t.subscribe)}</a></p>
<p class="muted">${esc(t.followInReader)}${feedLinks()}</p></div>
${list}
${pager}`,
  });
}
