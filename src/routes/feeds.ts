/**
 * Feeds for the site and each section, author and tag, in three formats, with conditional GET,
 * RFC 5005 archive pages (`?archive=N`) and WebSub discovery in Link headers.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from '../feeds/formats.js';
import { recordFeedFetch } from '../feeds/analytics.js';
import { feedUrl } from '../feeds/links.js';
import { resolveScope, siteScope, type FeedKind, type FeedScope } from '../feeds/scope.js';
import { getFeed } from '../feeds/service.js';
import { isNotModified } from '../http/caching.js';
import { parseOrThrow } from '../validation.js';

const query = z.object({ archive: z.coerce.number().int().min(1).max(1_000_000).optional() });

async function serveFeed(c: Context<AppEnv>, scope: FeedScope, format: FeedFormat) {
  const deps = c.get('deps');
  const { config } = deps;
  const { archive } = parseOrThrow(query, c.req.query());
  const feed = await getFeed(deps, scope, format, archive);
  // Counted after the response, off the reader's path; a 304 is a fetch too.
  const userAgent = c.req.header('user-agent');
  deps.defer(() => recordFeedFetch(deps, scope.key, format, userAgent));
  const maxAge = archive ? config.FEED_ARCHIVE_MAX_AGE : config.FEED_MAX_AGE;
  c.header('ETag', feed.etag);
  c.header('Last-Modified', feed.lastModified);
  c.header('Cache-Control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 2}`);
  c.header('Vary', format === 'json' ? 'Accept-Encoding' : 'Accept, Accept-Encoding'); // see contentType
  const self = feedUrl(config, scope, format, archive);
  c.header('Link', [`<${self}>; rel="self"`, ...(config.WEBSUB_HUB_URL ? [`<${config.WEBSUB_HUB_URL}>; rel="hub"`] : [])].join(', '));
  const conditional = { ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: c.req.header('if-modified-since') };
  if (isNotModified(conditional, feed.etag, new Date(feed.lastModified))) return c.body(null, 304);
  c.header('Content-Type', contentType(format, c.req.header('accept')));
  return c.body(feed.body, 200);
}

/**
 * Chromium shows application/rss+xml and application/atom+xml as plain text and never runs
 * their stylesheet (/feed.xsl); as application/xml it does. A browser navigating asks for
 * text/html and feed readers do not, so only browsers get the generic type, which every reader
 * would accept as well. Hence `Vary: Accept`.
 */
function contentType(format: FeedFormat, accept: string | undefined): string {
  if (format !== 'json' && (accept ?? '').includes('text/html')) return 'application/xml; charset=utf-8';
  return FEED_CONTENT_TYPES[format];
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
