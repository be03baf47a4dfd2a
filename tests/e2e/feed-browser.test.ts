/**
 * A person who opens a feed in a browser: Debian's Chromium (driven by playwright-core, which
 * never downloads a browser here) asks for text/html first, so the server answers with an Arabic
 * right-to-left page that says how to subscribe and lists the articles, with no XSLT involved.
 * A browser that asks for XML instead still gets the feed, which /feed.xsl turns into a page.
 * Assertions read the rendered page, not the markup.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatArabicDate } from '../../src/locale.js';
import { commentaryArticle, postArticle } from './support/articles.js';
import { expectReadableOnAPhone } from './support/phone.js';
import { freePort } from './support/ports.js';
import { startServer, type RunningServer } from './support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SITE_NAME = 'منبر الرأي';
const SCREENSHOT = join(tmpdir(), 'feed-rss.png');
const XSL_SCREENSHOT = join(tmpdir(), 'feed-rss-xsl.png');

// Characters that Atom carries escaped (its titles and summaries are type="html"): the page must
// show them as they were typed, as text.
const TITLE = 'الرقمنة & الفلاح: <البيانات> بديلًا عن "الحدس"';
const SUMMARY = 'قراءة في تجربة المزارعين مع <b>البيانات</b> & التطبيقات.';
const AUTHOR = 'سعيد الإدريسي';
const PUBLISHED = '2026-11-27T09:30:00Z';
// The server's default time zone for dates shown to people (DIGEST_TIMEZONE).
const PUBLISHED_DAY = formatArabicDate(new Date(PUBLISHED), 'Africa/Casablanca');

let dir: string;
let server: RunningServer;
let browser: Browser;
let canonicalUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium fonts-noto-core (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-browser-'));
  const port = String(await freePort());
  server = await startServer({
    PORT: port,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: join(dir, 'nashra.db'),
    OUTBOX_DIR: join(dir, 'outbox'),
    ADMIN_TOKEN,
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    SITE_NAME,
    SCHEDULER: 'false',
    SEED: 'false',
  });
  const article = await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({
    title: TITLE, summary: SUMMARY, author: { name: AUTHOR, slug: 'said-idrissi' }, publishedAt: PUBLISHED,
  }));
  canonicalUrl = (article as unknown as { canonicalUrl: string }).canonicalUrl;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens `path` on a phone-sized page, as a person following a link to it would. */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status(), path).toBe(200);
  expect(res?.headers()['content-type'], `${path}: the server sent a page`).toBe('text/html; charset=utf-8');
  return { page, errors };
}

/**
 * Opens `path` asking for XML (as a browser told to, or a tool, can) and waits for the
 * stylesheet's output. Chromium keeps its own Accept on navigations whatever
 * `setExtraHTTPHeaders` says, so the feed's request is rewritten on its way out instead.
 */
async function openFeedAsXml(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.route(`${server.url}${path}`, (route) => route.continue({ headers: { ...route.request().headers(), accept: 'application/xml' } }));
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status(), path).toBe(200);
  expect(res?.headers()['content-type'], `${path}: the server sent the feed`).toBe('application/xml; charset=utf-8');
  // Until the transform has run, the document is the XML; if it never runs, Chromium shows the
  // source as text in a <pre>.
  await page.waitForFunction(() => document.querySelector('main h1, body > pre'), undefined, { timeout: 15_000 });
  expect(await page.locator('main h1').count(), `${path}: the stylesheet ran (a page, not the XML source)`).toBe(1);
  // Chromium 156 adds an <xslt-warning-banner> popover (XSLT is deprecated) over the page: it is
  // the browser's, not ours. Nothing below reads it; it is put away so the screenshot shows ours.
  await page.evaluate(() => {
    const banner = document.querySelector('xslt-warning-banner');
    if (banner instanceof HTMLElement && banner.matches(':popover-open')) banner.hidePopover();
  });
  return { page, errors };
}

describe('a feed opened in a browser', () => {
  it.each([
    ['/feed.rss', SITE_NAME],
    ['/feed.atom', SITE_NAME],
    ['/feed.json', SITE_NAME],
    ['/authors/said-idrissi/feed.rss', `${SITE_NAME}: ${AUTHOR}`],
  ])('%s is an Arabic right-to-left page, made by the server, that lists the items and explains how to subscribe', async (path, title) => {
    const { page, errors } = await openPage(path);
    try {
      const html = page.locator('html');
      expect(await html.getAttribute('dir')).toBe('rtl');
      expect(await html.getAttribute('lang')).toBe('ar');
      expect(await page.evaluate(() => document.contentType)).toBe('text/html');
      expect(await page.evaluate(() => document.compatMode), 'standards mode').toBe('CSS1Compat');
      expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
      expect(await page.locator('xslt-warning-banner').count(), 'no XSLT, so no deprecation banner').toBe(0);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('main h1').innerText()).toBe(title);

      const about = await page.locator('main .about').innerText();
      expect(about).toContain('ما هذه الصفحة؟');
      expect(about).toContain('انسخ عنوان الخلاصة');
      expect(about).toMatch(/قارئ خلاصات مثل Feedly أو Inoreader أو NetNewsWire أو Miniflux/);
      const address = page.locator('main .about input.address');
      expect(await address.inputValue()).toBe(`${server.url}${path}`);
      expect(await address.getAttribute('readonly')).not.toBeNull();
      const formats = await page.locator('main .about .formats a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(formats).toEqual(['rss', 'atom', 'json'].map((f) => `${server.url}${path.replace(/\.\w+$/, `.${f}`)}`).filter((u) => u !== `${server.url}${path}`));
      expect(await page.locator('main .about a[href="/feeds"]').count()).toBe(1);

      const item = page.locator('ol.items > li', { hasText: 'الرقمنة' });
      expect(await item.count()).toBe(1);
      await expectArticleShown(page, item, PUBLISHED_DAY);

      await expectReadableOnAPhone(page, errors);
      if (path === '/feed.rss') await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
  });
});

/** The seeded article's entry on a feed page: linked title, author, Arabic date, summary, no markup from text. */
async function expectArticleShown(page: Page, item: Locator, day: string): Promise<void> {
  const link = item.locator('h3 a');
  expect(await link.innerText()).toBe(TITLE);
  expect(await link.getAttribute('href')).toBe(canonicalUrl);
  expect(await item.locator('.author').innerText()).toBe(AUTHOR);
  expect(await item.locator('time').innerText()).toBe(day);
  expect(await item.locator('.summary').innerText()).toBe(SUMMARY);
  expect(await page.locator('main b').count(), 'feed text never becomes markup').toBe(0);
}

describe('a feed asked for as XML in a browser', () => {
  it.each(['/feed.rss', '/feed.atom'])('%s still becomes an Arabic page through /feed.xsl', async (path) => {
    const { page, errors } = await openFeedAsXml(path);
    try {
      const html = page.locator('html');
      expect(await html.getAttribute('dir')).toBe('rtl');
      expect(await html.getAttribute('lang')).toBe('ar');
      expect(await page.evaluate(() => document.compatMode), 'standards mode').toBe('CSS1Compat');
      expect(await page.locator('main h1').innerText()).toBe(SITE_NAME);

      const about = await page.locator('main .about').innerText();
      expect(about).toContain('ما هذه الصفحة؟');
      expect(about).toContain('انسخ عنوان هذه الصفحة');
      expect(await page.locator('main .about .address').innerText()).toBe(`${server.url}${path}`);

      const item = page.locator('ol.items > li', { hasText: 'الرقمنة' });
      expect(await item.count()).toBe(1);
      await expectArticleShown(page, item, '27 نوفمبر 2026');

      await expectReadableOnAPhone(page, errors);
      if (path === '/feed.rss') await page.screenshot({ path: XSL_SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
