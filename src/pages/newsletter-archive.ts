/**
 * The newsletter archive for people: every edition that went out, newest first, in pages, with
 * the edition feeds for readers who would rather follow it there. Plain links and no script.
 */
import type { ArchiveEdition, ArchivePage } from '../digests/archive.js';
import { FREQUENCY_ADJECTIVE } from '../locale.js';
import { esc, page, type FeedAlternate } from './layout.js';
import { EDITION_FEED_PATHS } from './newsletter-feed.js';

/** Styles the archive pages add to the layout's (inline: pages load nothing from elsewhere). */
export const ARCHIVE_STYLE = `<style>
.editions{list-style:none;margin:1rem 0;padding:0}.editions>li{margin:0 0 1rem}
.editions h2{font-size:1.2rem;margin:0 0 .25rem}.editions ul{margin:.5rem 0 0;padding-inline-start:1.25rem}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
.cta{display:inline-block;padding:.6rem 1.2rem;background:#0b5d4b;color:#fff;border-radius:6px;font-weight:700;text-decoration:none}
.cta:focus-visible{outline:3px solid #b7791f;outline-offset:2px}
</style>`;

/** The edition feeds, for `<link rel="alternate">` (relative: any host). */
export function editionFeedAlternates(siteName: string): FeedAlternate[] {
  return [
    { type: 'application/rss+xml', title: `${siteName}: أعداد النشرة (RSS)`, href: EDITION_FEED_PATHS.rss },
    { type: 'application/atom+xml', title: `${siteName}: أعداد النشرة (Atom)`, href: EDITION_FEED_PATHS.atom },
    { type: 'application/feed+json', title: `${siteName}: أعداد النشرة (JSON Feed)`, href: EDITION_FEED_PATHS.json },
  ];
}

/** The same-site path of an edition's page. */
export const editionPath = (id: string) => `/newsletter/archive/${encodeURIComponent(id)}`;

/** The cadence as people say it: `النشرة اليومية`. */
export const cadenceLabel = (cadence: ArchiveEdition['edition']['cadence']) => `النشرة ${FREQUENCY_ADJECTIVE[cadence]}`;

function editionItem({ edition, content }: ArchiveEdition): string {
  const meta = [cadenceLabel(edition.cadence), content.followingLabel].filter(Boolean).map(esc).join(' · ');
  const titles = content.articles.map((a) => `<li>${esc(a.title)}</li>`).join('');
  return `<li class="card"><h2><a href="${esc(editionPath(edition.id))}">${esc(content.dateLabel)}</a></h2>
<p class="muted">${meta}</p><ul>${titles}</ul></li>`;
}

function feedLinks(): string {
  const link = (path: string, label: string) => `<a href="${esc(path)}" dir="ltr">${label}</a>`;
  return `${link(EDITION_FEED_PATHS.rss, 'RSS')} · ${link(EDITION_FEED_PATHS.atom, 'Atom')} · ${link(EDITION_FEED_PATHS.json, 'JSON Feed')}`;
}

/** An archive page; `first` is false on the older pages (reached with `?before=`). */
export function archivePageHtml(siteName: string, archive: ArchivePage, first: boolean): string {
  const list = archive.editions.length
    ? `<ol class="editions">${archive.editions.map(editionItem).join('\n')}</ol>`
    : `<p class="card">${first ? 'لم يُرسَل أي عدد بعد. اشترك لتصلك النشرة الأولى.' : 'لا أعداد أقدم.'}</p>`;
  const newer = first ? '<span></span>' : '<a href="/newsletter/archive">الأعداد الأحدث</a>';
  const older = archive.older ? `<a href="/newsletter/archive?before=${encodeURIComponent(archive.older)}" rel="next">الأعداد الأقدم</a>` : '<span></span>';
  const pager = first && !archive.older ? '' : `<nav class="pager" aria-label="صفحات الأرشيف">${newer}${older}</nav>`;
  return page({
    title: 'أرشيف النشرة',
    siteName,
    head: `${ARCHIVE_STYLE}${first ? '' : '\n<meta name="robots" content="noindex, follow">'}`,
    alternates: editionFeedAlternates(siteName),
    body: `<div class="card"><h1>أرشيف النشرة البريدية</h1>
<p>كل أعداد نشرة ${esc(siteName)} كما وصلت إلى المشتركين، من الأحدث إلى الأقدم.</p>
<p><a class="cta" href="/subscribe">اشترك في النشرة</a></p>
<p class="muted">تابع الأعداد في قارئ الخلاصات: ${feedLinks()}</p></div>
${list}
${pager}`,
  });
}
