/**
 * An edition's web version (the emails' "view in browser" link): the pieces as its readers got
 * them, and an invitation to subscribe. Nothing about any reader: it is the same for everyone.
 * Arabic, or English (`?lang=en`, the English digest's link) around the pieces, which keep
 * their Arabic language and direction as in the English email.
 */
import type { EditionPage } from '../digests/archive.js';
import type { DigestArticle } from '../email/digest.js';
import { httpUrl } from '../feeds/entries.js';
import type { Locale } from './i18n.js';
import { esc, page } from './layout.js';
import { ARCHIVE_STYLE, archivePageOptions, languageSwitch } from './newsletter-archive.js';
import { archiveHref, archiveStrings } from './newsletter-strings.js';

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

/** Text of the page's own language inside an Arabic piece (its date, its button). */
const inPage = (text: string, locale: Locale) => (locale === 'ar' ? esc(text) : `<span lang="${locale}" dir="ltr">${esc(text)}</span>`);

function pieceHtml(a: DigestArticle, locale: Locale): string {
  const link = httpUrl(a.link);
  const href = link ? ` href="${esc(link)}"` : '';
  const imageUrl = a.image && httpUrl(a.image.url);
  const image = a.image && imageUrl
    ? `<a${href} tabindex="-1" aria-hidden="true"><img src="${esc(imageUrl)}" alt="${esc(a.image.alt)}" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" loading="lazy" decoding="async"></a>`
    : '';
  const arabic = locale === 'ar' ? '' : ' lang="ar" dir="rtl"';
  return `<li class="card piece"${arabic}><article>${image}
<p class="section">${esc(a.section)}</p>
<h2><a${href}>${esc(a.title)}</a></h2>
<p class="muted">${esc(a.author)} · ${inPage(a.dateLabel, locale)}</p>
<p>${esc(a.excerpt)}</p>
${link ? `<p><a class="cta"${href}>${inPage(archiveStrings(locale).readPiece, locale)}</a></p>` : ''}</article></li>`;
}

/**
 * The web version of a public edition in `locale`. One left out of the archive (stopped by an
 * editor after some readers got it) is not for search engines either.
 */
export function editionPageHtml(siteName: string, { edition, content, listed }: EditionPage, locale: Locale = 'ar'): string {
  const t = archiveStrings(locale);
  const following = content.followingLabel ? `<p class="muted">${esc(content.followingLabel)}</p>` : '';
  return page({
    ...archivePageOptions(siteName, locale),
    title: content.subject,
    head: `${ARCHIVE_STYLE}${EDITION_STYLE}${listed ? '' : '\n<meta name="robots" content="noindex, follow">'}`,
    body: `<div class="card">${languageSwitch(`/newsletter/archive/${encodeURIComponent(edition.id)}`, locale)}<p class="muted"><a href="${esc(archiveHref('/newsletter/archive', locale))}">${esc(t.archiveTitle)}</a></p>
<h1>${esc(content.subject)}</h1>
<p class="muted">${esc(t.cadence(edition.cadence))} · ${esc(content.dateLabel)}</p>${following}</div>
<ol class="pieces">${content.articles.map((a) => pieceHtml(a, locale)).join('\n')}</ol>
<div class="card"><h2>${esc(t.inviteHeading)}</h2>
<p>${esc(t.invite(siteName))}</p>
<p><a class="cta" href="${esc(archiveHref('/subscribe', locale))}">${esc(t.subscribe)}</a></p></div>`,
  });
}

/** Shown (404) for an edition that does not exist or that no reader got. */
export function editionNotFoundHtml(siteName: string, locale: Locale = 'ar'): string {
  const t = archiveStrings(locale);
  return page({
    ...archivePageOptions(siteName, locale),
    title: t.notFoundTitle,
    head: ARCHIVE_STYLE,
    body: `<div class="card" role="alert"><h1>${esc(t.notFoundHeading)}</h1>
<p>${esc(t.notFoundText)}</p>
<p><a href="${esc(archiveHref('/newsletter/archive', locale))}">${esc(t.browseArchive)}</a></p>
<p><a class="cta" href="${esc(archiveHref('/subscribe', locale))}">${esc(t.subscribe)}</a></p></div>`,
  });
}
