import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

const source = readFileSync(new URL('../../templates/feed.xsl', import.meta.url), 'utf8');
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  await addArticle(deps, { title: 'الإصلاح في الريف', publishedAt: '2026-11-29T06:00:00Z' });
});
afterEach(() => deps.close());

describe('GET /feed.xsl', () => {
  it('serves templates/feed.xsl as is, as text/xsl, cached long, with an ETag', async () => {
    const res = await app.request('/feed.xsl');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xsl; charset=utf-8');
    expect(Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1])).toBeGreaterThanOrEqual(86_400);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await res.text()).toBe(source);
    const again = await app.request('/feed.xsl', { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('is well-formed XSLT 1.0 that writes feed text as text only', () => {
    assertWellFormedXml(source);
    expect(source).toMatch(/<xsl:stylesheet version="1\.0"/);
    expect(source).not.toContain('disable-output-escaping');
    expect(source).toMatch(/<html lang="ar" dir="rtl">/);
  });
});

// A client that names text/html without being a browser navigating (or asks for XML first)
// gets the feed itself, labelled application/xml so a stylesheet-capable viewer runs it.
const XML_VIEWER_ACCEPT = 'application/xml,text/html;q=0.9,*/*;q=0.8';

describe('XML feeds asked for by an XML viewer', () => {
  it.each([
    ['/feed.rss', 'application/rss+xml; charset=utf-8'],
    ['/feed.atom', 'application/atom+xml; charset=utf-8'],
  ])('%s is application/xml for an XML viewer (so the stylesheet runs) and keeps its own type for readers', async (path, type) => {
    const reader = await app.request(path);
    const browser = await app.request(path, { headers: { accept: XML_VIEWER_ACCEPT } });
    expect(reader.headers.get('content-type')).toBe(type);
    expect(browser.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    for (const res of [reader, browser]) expect(res.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
    const body = await browser.text();
    expect(body).toBe(await reader.text());
    expect(body).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
  });

  it('gives a browser the HTML page for JSON Feed too, and leaves other responses alone', async () => {
    const json = await app.request('/feed.json', { headers: { accept: BROWSER_ACCEPT } });
    expect(json.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(json.headers.get('vary') ?? '').toMatch(/(^|,\s*)Accept(,|$)/);
    const viewer = await app.request('/feed.json', { headers: { accept: XML_VIEWER_ACCEPT } });
    expect(viewer.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const home = await app.request('/', { headers: { accept: BROWSER_ACCEPT } });
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
