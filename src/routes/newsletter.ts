/**
 * The public newsletter archive: every edition that went out on the web (`/newsletter/archive`,
 * each at `/newsletter/archive/:id`, the emails' "view in browser" link), and feeds of the
 * editions. Public and the same for everyone, so cacheable; the ETag is the body's, and a
 * matching If-None-Match gets a 304. The pages are Arabic, or English with `?lang=en` (the
 * English digest's link); only the parameter chooses, never Accept-Language, so a cached page
 * is the same for every reader of its address.
 */
import type { Context } from 'hono';
import type { App, AppEnv } from '../app.js';
import { archivedEdition, archivePage, feedEditions } from '../digests/archive.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from '../feeds/formats.js';
import { isNotModified, strongEtag } from '../http/caching.js';
import { HTML_MEDIA_TYPE, names, parseAccept, qualityOf } from '../http/negotiate.js';
import type { Locale } from '../pages/i18n.js';
import { archivePageHtml } from '../pages/newsletter-archive.js';
import { editionNotFoundHtml, editionPageHtml } from '../pages/newsletter-edition.js';
import { EDITION_FEED_PATHS, editionFeed } from '../pages/newsletter-feed.js';

// The pages load nothing but the pieces' images; no script runs on them.
const PAGE_CSP = "default-src 'none'; img-src https: http:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Answers with `body`, or 304 when the client's copy is this one. No Last-Modified: an
 * edition's page and the feeds also change when a piece is edited or withdrawn, which no stored
 * time tells, so only the body's own tag is a safe validator.
 */
async function cacheable(c: Context<AppEnv>, body: string, contentType: string, vary = 'Accept-Encoding') {
  const maxAge = c.get('deps').config.FEED_MAX_AGE;
  const etag = await strongEtag(body);
  c.header('ETag', etag);
  c.header('Cache-Control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 2}`);
  c.header('Vary', vary);
  if (isNotModified({ ifNoneMatch: c.req.header('if-none-match') }, etag, new Date(0))) return c.body(null, 304);
  c.header('Content-Type', contentType);
  return c.body(body, 200);
}

async function page(c: Context<AppEnv>, html: string) {
  c.header('Content-Security-Policy', PAGE_CSP);
  return cacheable(c, html, HTML_MEDIA_TYPE);
}

/**
 * RSS and Atom go to a browser that names text/html (or prefers generic XML) as
 * application/xml, which Chromium renders through the feed stylesheet, as routes/feeds.ts does.
 */
function feedType(c: Context<AppEnv>, format: FeedFormat): string {
  const own = FEED_CONTENT_TYPES[format];
  if (format === 'json') return own;
  const accept = parseAccept(c.req.header('accept'));
  const generic = 'application/xml; charset=utf-8';
  return names(accept, 'text/html') || qualityOf(accept, generic) > qualityOf(accept, own) ? generic : own;
}

/** `?lang=en` for English; Arabic for anything else. */
const archiveLocale = (c: Context<AppEnv>): Locale => (c.req.query('lang')?.trim().toLowerCase() === 'en' ? 'en' : 'ar');

export function registerNewsletterRoutes(app: App): void {
  app.get('/newsletter/archive', async (c) => {
    const deps = c.get('deps');
    const before = c.req.query('before');
    const locale = archiveLocale(c);
    const archive = await archivePage(deps, before, locale);
    return page(c, archivePageHtml(deps.config.SITE_NAME, archive, before, locale));
  });

  app.get('/newsletter/archive/:id', async (c) => {
    const deps = c.get('deps');
    const locale = archiveLocale(c);
    const found = await archivedEdition(deps, c.req.param('id'), locale);
    if (!found) {
      // Short: an edition in review now may go out within the hour.
      c.header('Cache-Control', 'public, max-age=60');
      c.header('Content-Security-Policy', PAGE_CSP);
      return c.html(editionNotFoundHtml(deps.config.SITE_NAME, locale), 404);
    }
    return page(c, editionPageHtml(deps.config.SITE_NAME, found, locale));
  });

  for (const format of FEED_FORMATS) {
    // Literal paths: Hono does not match a parameter followed by ".rss" in one segment.
    app.get(EDITION_FEED_PATHS[format], async (c) => {
      const deps = c.get('deps');
      const body = editionFeed(deps.config, await feedEditions(deps), format);
      c.header('Link', `<${deps.config.PUBLIC_URL}${EDITION_FEED_PATHS[format]}>; rel="self"`);
      return cacheable(c, body, feedType(c, format), 'Accept, Accept-Encoding');
    });
  }
}
