/**
 * Feeds for the site and each section, author and tag, in three formats, with conditional GET,
 * RFC 5005 archive pages (`?archive=N`) and WebSub discovery in Link headers. A browser that
 * prefers text/html (src/http/negotiate.ts) gets the feed as a web page instead: Chromium is
 * retiring XSLT, so the XML feeds' stylesheet cannot be relied on to show people anything.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import type { Deps } from '../deps.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from '../feeds/formats.js';
import { recordFeedFetch } from '../feeds/analytics.js';
import { feedUrl } from '../feeds/links.js';
import { resolveScope, siteScope, type FeedKind, type FeedScope } from '../feeds/scope.js';
import { getFeed } from '../feeds/service.js';
import { isNotModified, strongEtag } from '../http/caching.js';
import { HTML_MEDIA_TYPE, names, parseAccept, prefersHtml, qualityOf, type Accept } from '../http/negotiate.js';
import { feedPreviewPage, parseJsonFeed } from '../pages/feed-preview.js';
import { parseOrThrow } from '../validation.js';

const query = z.object({ archive: z.coerce.number().int().min(1).max(1_000_000).optional() });

type Served = { body: Uint8Array<ArrayBuffer>; etag: string; lastModified: string };

/**
 * The feed as a web page for a person's browser, made from the feed's JSON Feed document (same
 * version, same cache, no query of its own), with the ETag of its own bytes.
 */
async function feedPage(deps: Deps, scope: FeedScope, format: FeedFormat, archive: number | undefined): Promise<Served> {
  const json = await getFeed(deps, scope, 'json', archive);
  const html = feedPreviewPage({
    siteName: deps.config.SITE_NAME,
    format,
    archive,
    urlOf: (f, page) => feedUrl(deps.config, scope, f, page),
    timeZone: deps.config.DIGEST_TIMEZONE,
    feed: parseJsonFeed(json.body),
  });
  const body = new TextEncoder().encode(html);
  return { body, etag: await strongEtag(body), lastModified: json.lastModified };
}

async function serveFeed(c: Context<AppEnv>, scope: FeedScope, format: FeedFormat) {
  const deps = c.get('deps');
  const { config } = deps;
  const { archive } = parseOrThrow(query, c.req.query());
  const accept = parseAccept(c.req.header('accept'));
  const asPage = prefersHtml(accept);
  const doc: Served = asPage ? await feedPage(deps, scope, format, archive) : await getFeed(deps, scope, format, archive);
  // Counted after the response, off the reader's path; a 304 is a fetch too.
  const userAgent = c.req.header('user-agent');
  deps.defer(() => recordFeedFetch(deps, scope.key, format, userAgent));
  const maxAge = archive ? config.FEED_ARCHIVE_MAX_AGE : config.FEED_MAX_AGE;
  c.header('ETag', doc.etag);
  c.header('Last-Modified', doc.lastModified);
  c.header('Cache-Control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 2}`);
  // Browsers get a page and readers the feed, from the same URL: caches must keep both apart.
  c.header('Vary', 'Accept, Accept-Encoding');
  const self = feedUrl(config, scope, format, archive);
  c.header('Link', [`<${self}>; rel="self"`, ...(config.WEBSUB_HUB_URL ? [`<${config.WEBSUB_HUB_URL}>; rel="hub"`] : [])].join(', '));
  const conditional = { ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: c.req.header('if-modified-since') };
  if (isNotModified(conditional, doc.etag, new Date(doc.lastModified))) return c.body(null, 304);
  if (asPage) c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
  c.header('Content-Type', asPage ? HTML_MEDIA_TYPE : contentType(format, accept));
  return c.body(doc.body, 200);
}

/**
 * Chromium shows application/rss+xml and application/atom+xml as plain text and never runs
 * their stylesheet (/feed.xsl); as application/xml it does. A client that names text/html
 * without preferring it, or that prefers application/xml to the format's own type, gets the
 * generic type, which every reader accepts as well.
 */
function contentType(format: FeedFormat, accept: Accept): string {
  const own = FEED_CONTENT_TYPES[format];
  if (format === 'json') return own;
  const generic = 'application/xml; charset=utf-8';
  return names(accept, 'text/html') || qualityOf(accept, generic) > qualityOf(accept, own) ? generic : own;
}

const TERM_KINDS: [string, Exclude<FeedKind, 'site'>][] = [
  ['sections', 'section'],
  ['authors', 'author'],
  ['tags', 'tag'],
];

export function registerFeedRoutes(app: App): void {
  for (const format of FEED_FORMATS) {
    // Literal paths: Hono does not match a parameter followed by ".rss" in one segment.
    app.get(`/feed.${format}`, (c) => serveFeed(c, siteScope(c.get('deps').config), format));
    for (const [plural, kind] of TERM_KINDS) {
      app.get(`/${plural}/:slug/feed.${format}`, async (c) => serveFeed(c, await resolveScope(c.get('deps'), kind, c.req.param('slug')), format));
    }
  }
}
