/**
 * Partner syndication: feeds and the JSON API behind a partner key, the OpenAPI document and
 * the guide. Every authenticated answer is private, has a strong ETag (304 on If-None-Match),
 * counts against the key's requests per minute, and is added to the partner's usage after the
 * response. Browsers may call from the partner's own origins only.
 */
import type { Context } from 'hono';
import type { App, AppEnv } from '../app.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS } from '../feeds/formats.js';
import { isNotModified, strongEtag } from '../http/caching.js';
import { authenticatePartner, checkRateLimit, recordPartnerRequest } from '../partners/access.js';
import { getPartnerArticle, listChanges } from '../partners/changes.js';
import { partnerDocsPage } from '../partners/docs-page.js';
import { KEY_PATTERN } from '../partners/keys.js';
import { partnerFeed } from '../partners/feed.js';
import { openApiDocument } from '../partners/openapi.js';
import { articlesQuerySchema } from '../partners/schemas.js';
import type { Partner } from '../partners/terms.js';
import { originListed } from '../storage/partners.js';
import { parseOrThrow } from '../validation.js';

type Served = { body: Uint8Array<ArrayBuffer>; contentType: string; cacheControl: string; etag: string; lastModified?: Date; items: number };

const API_CACHE = 'private, no-cache';
const EXPOSED_HEADERS = 'ETag, Last-Modified, Retry-After';

function bearerKey(c: Context<AppEnv>): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** Lets the partner's own origins read the answer from a browser; it differs by Origin, so caches must keep them apart. */
function allowOrigin(c: Context<AppEnv>, partner: Partner): void {
  c.header('Vary', 'Origin', { append: true });
  const origin = c.req.header('origin');
  if (!origin || !partner.origins.includes(origin.toLowerCase())) return;
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

/**
 * A preflight carries no key, so it cannot tell which partner is asking: an origin some
 * partner lists passes (204); the request itself is then answered for that partner's origins only.
 */
async function preflight(c: Context<AppEnv>) {
  c.header('Vary', 'Origin', { append: true });
  const origin = c.req.header('origin');
  if (!origin || !(await originListed(c.get('deps').db, origin.toLowerCase()))) throw new AppError('forbidden', 'This origin may not call the partner API');
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Allow-Methods', 'GET, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'Authorization, If-None-Match');
  c.header('Access-Control-Max-Age', '7200');
  return c.body(null, 204);
}

/** Authenticates, applies the partner's origin and rate limit, serves, and records usage. */
async function servePartner(c: Context<AppEnv>, serve: (deps: Deps, partner: Partner) => Promise<Served>) {
  const deps = c.get('deps');
  const access = await authenticatePartner(deps, bearerKey(c));
  allowOrigin(c, access.partner);
  await checkRateLimit(deps, access);
  const sent = { items: 0, bytes: 0 };
  try {
    const doc = await serve(deps, access.partner);
    c.header('ETag', doc.etag);
    if (doc.lastModified) c.header('Last-Modified', doc.lastModified.toUTCString());
    c.header('Cache-Control', doc.cacheControl);
    // Without a modification time (the API), only the ETag can make a 304.
    const conditional = { ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: doc.lastModified && c.req.header('if-modified-since') };
    if (isNotModified(conditional, doc.etag, doc.lastModified ?? new Date(0))) return c.body(null, 304);
    sent.items = doc.items;
    sent.bytes = doc.body.length;
    c.header('Content-Type', doc.contentType);
    return c.body(doc.body, 200);
  } finally {
    recordPartnerRequest(deps, access, sent);
  }
}

async function servedJson(value: unknown, items: number): Promise<Served> {
  const body = new TextEncoder().encode(JSON.stringify(value));
  return { body, contentType: 'application/json; charset=utf-8', cacheControl: API_CACHE, etag: await strongEtag(body), items };
}

/** What the platform runs background work with, when there is one (Workers); none on Node. */
function executionCtxOf(c: Context<AppEnv>) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/**
 * A feed with the key in its path, for readers that cannot send headers. The request is
 * answered as the same request to the keyless address with the key as a bearer token, so
 * nothing downstream (error logs included) ever sees an address with a key in it. The answer
 * tells browsers to send no Referer, and search engines not to index it.
 */
async function withKeyFromPath(app: App, c: Context<AppEnv>, path: string): Promise<Response> {
  const url = new URL(c.req.url);
  const key = c.req.param('key') ?? '';
  // Anything not shaped like a key (a pasted zero-width space, a line break) is refused here:
  // it could not go into a header, and an error further on would log this path, key and all.
  if (!KEY_PATTERN.test(key)) {
    c.header('Referrer-Policy', 'no-referrer');
    throw new AppError('unauthorized', 'This feed address holds no valid partner key');
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set('authorization', `Bearer ${key}`);
  const inner = new Request(new URL(`${path}${url.search}`, url.origin), { method: c.req.method, headers });
  const res = await app.fetch(inner, c.env, executionCtxOf(c));
  const out = new Response(res.body, res);
  out.headers.set('Referrer-Policy', 'no-referrer');
  out.headers.set('X-Robots-Tag', 'noindex');
  return out;
}

export function registerPartnerRoutes(app: App): void {
  app.get('/partners/docs', (c) => c.html(partnerDocsPage(c.get('deps').config)));
  app.get('/api/partner/openapi.json', (c) => {
    c.header('Access-Control-Allow-Origin', '*'); // a public description: any API tool may read it
    return c.json(openApiDocument(c.get('deps').config));
  });

  for (const format of FEED_FORMATS) {
    // Literal paths: Hono does not match a parameter followed by ".rss" in one segment.
    const path = `/partners/feed.${format}`;
    app.options(path, preflight);
    app.get(path, (c) =>
      servePartner(c, async (deps, partner) => {
        const doc = await partnerFeed(deps, partner, format);
        return { ...doc, contentType: FEED_CONTENT_TYPES[format], cacheControl: `private, max-age=${deps.config.FEED_MAX_AGE}` };
      }),
    );
    app.get(`/partners/:key/feed.${format}`, (c) => withKeyFromPath(app, c, path));
  }

  app.options('/api/partner/v1/*', preflight);
  app.get('/api/partner/v1/articles', (c) =>
    servePartner(c, async (deps, partner) => {
      const page = await listChanges(deps, partner, parseOrThrow(articlesQuerySchema, c.req.query()));
      return servedJson(page, page.items.length);
    }),
  );
  app.get('/api/partner/v1/articles/:id', (c) => servePartner(c, async (deps, partner) => servedJson(await getPartnerArticle(deps, partner, c.req.param('id')), 1)));
}
