/**
 * An edition's web version (the emails' "view in browser" link): the pieces as its readers got
 * them, and an invitation to subscribe. Nothing about any reader: it is the same for everyone.
 */
import type { ArchiveEdition } from '../digests/archive.js';
import type { DigestArticle } from '../email/digest.js';
import { httpUrl } from '../feeds/entries.js';
import { esc, page } from './layout.js';
import { ARCHIVE_STYLE, cadenceLabel, editionFeedAlternates } from './newsletter-archive.js';

const EDITION_STYLE = `<style>
.piece{margin:0 0 1rem}.piece img{display:block;width:100%;height:auto;border-radius:4px;margin:0 0 .75rem;background:#e8e2d4}
.piece h2{font-size:1.3rem;line-height:1.5;margin:.25rem 0}.piece h2 a{color:#1f2328;text-decoration:none}
.piece h2 a:hover{text-decoration:underline}.section{color:#8a4b08;font-size:.9rem;margin:0}
.pieces{list-style:none;margin:1rem 0;padding:0}
</style>`;

// Lead images are drawn 1200×630 (the usual sharing size); the attributes give the box its
// shape before the image arrives, and CSS scales it to the column.
const IMAGE_WIDTH = 600;
const IMAGE_HEIGHT = 315;

function pieceHtml(a: DigestArticle): string {
  const link = httpUrl(a.link);
  const href = link ? ` href="${esc(link)}"` : '';
  const imageUrl = a.image && httpUrl(a.image.url);
  const image = a.image && imageUrl
    ? `<a${href} tabindex="-1" aria-hidden="true"><img src="${esc(imageUrl)}" alt="${esc(a.image.alt)}" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" loading="lazy" decoding="async"></a>`
    : '';
  return `<li class="card piece"><article>${image}
<p class="section">${esc(a.section)}</p>
<h2><a${href}>${esc(a.title)}</a></h2>
<p class="muted">${esc(a.author)} · ${esc(a.dateLabel)}</p>
<p>${esc(a.excerpt)}</p>
${link ? `<p><a class="cta"${href}>اقرأ المقال</a></p>` : ''}</article></li>`;
}

/** The web version of a public edition. */
export function editionPageHtml(siteName: string, { edition, content }: ArchiveEdition): string {
  const following = content.followingLabel ? `<p class="muted">${esc(content.followingLabel)}</p>` : '';
  return page({
    title: content.subject,
    siteName,
    head: `${ARCHIVE_STYLE}${EDITION_STYLE}`,
    alternates: editionFeedAlternates(siteName),
    body: `<div class="card"><p class="muted"><a href="/newsletter/archive">أرشيف النشرة</a></p>
<h1>${esc(content.subject)}</h1>
<p class="muted">${esc(cadenceLabel(edition.cadence))} · ${esc(content.dateLabel)}</p>${following}</div>
<ol class="pieces">${content.articles.map(pieceHtml).join('\n')}</ol>
<div class="card"><h2>تصلك هذه النشرة في بريدك</h2>
<p>اشترك في نشرة ${esc(siteName)} لتصلك مقالات الرأي والتحليل في الموعد الذي تختاره، يوميًا أو أسبوعيًا.</p>
<p><a class="cta" href="/subscribe">اشترك في النشرة</a></p></div>`,
  });
}

/** Shown for an edition that does not exist or never went out (404). */
export function editionNotFoundHtml(siteName: string): string {
  return page({
    title: 'العدد غير موجود',
    siteName,
    head: ARCHIVE_STYLE,
    alternates: editionFeedAlternates(siteName),
    body: `<div class="card" role="alert"><h1>لم نجد هذا العدد</h1>
<p>ربما تغيّر الرابط، أو لم يُرسَل هذا العدد إلى المشتركين.</p>
<p><a href="/newsletter/archive">تصفّح أرشيف النشرة</a></p>
<p><a class="cta" href="/subscribe">اشترك في النشرة</a></p></div>`,
  });
}
