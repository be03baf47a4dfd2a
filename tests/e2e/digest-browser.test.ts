/**
 * A digest as a reader's mail client shows it, measured in Chromium: the Node server plans and
 * submits a real digest to an SMTP server on loopback; the received message is parsed with
 * mailparser and its HTML laid out at 600px (desktop clients) and 375px (phones). Right to
 * left is checked by measurement, not by reading attributes alone: where the titles and
 * buttons sit in the content column, and that nothing scrolls sideways. Then the edition's web
 * version ("view in browser"), with JavaScript off, and the archive behind it.
 *
 * NASHRA_SAVE_SCREENSHOTS=1 writes docs/images/digest-rtl-600.png and digest-rtl-375.png
 * (tracked files: CI leaves them alone); otherwise screenshots go to the temp folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentaryArticle, postArticle } from './support/articles.js';
import { ROOT } from './support/paths.js';
import { freePort } from './support/ports.js';
import { runNode } from './support/process.js';
import { confirmLinkIn, confirmThroughLink, subscribe } from './support/readers.js';
import { startServer, type RunningServer } from './support/server.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SITE_NAME = 'منبر الرأي';
const READER = 'amina@example.test';
const HOUR = 3600_000;
const SHORT_TITLE = 'الماء والزراعة';
const LONG_TITLE = 'الحصاد المائي في الجنوب الشرقي: ما الذي تعلّمناه من عقد كامل من الجفاف، وما الذي ينتظر القرى الواحية؟';
const NO_IMAGE_TITLE = 'الدرهم والتضخم';
const TITLES = [SHORT_TITLE, LONG_TITLE, NO_IMAGE_TITLE];
const SCREENSHOTS = process.env.NASHRA_SAVE_SCREENSHOTS === '1' ? join(ROOT, 'docs/images') : tmpdir();

let dir: string;
let smtp: SmtpSink;
let server: RunningServer;
let browser: Browser;
let digest: ParsedMail;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium fonts-noto-core (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-digest-'));
  smtp = await startSmtpSink();
  const port = String(await freePort());
  server = await startServer({
    PORT: port,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: join(dir, 'nashra.db'),
    SMTP_URL: smtp.url,
    ADMIN_TOKEN,
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    SITE_NAME,
    SCHEDULER: 'false',
    SEED: 'false',
  });
  // The lead images come from the server itself (drawn PNGs), so Chromium loads real images.
  const image = async (name: string, alt: string) => {
    const url = `${server.url}/sample-images/${name}.png`;
    return { url, type: 'image/png', length: (await (await fetch(url)).arrayBuffer()).byteLength, alt };
  };
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();
  await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title: NO_IMAGE_TITLE, publishedAt: at(4), image: undefined, section: { name: 'اقتصاد', slug: 'economy', commentary: true } }));
  await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title: LONG_TITLE, publishedAt: at(3), image: await image('forum', 'ساحة قرية واحية') }));
  await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title: SHORT_TITLE, publishedAt: at(2), image: await image('agriculture', 'حقل قمح بعد المطر') }));

  expect((await subscribe(server.url, READER)).status).toBe(202);
  const confirmation = await simpleParser((await smtp.waitForMessage(READER, 1)).raw);
  expect((await confirmThroughLink(confirmLinkIn(confirmation.text, server.url) as string)).status).toBe(200);
  const run = await runNode(['bin/nashra.mjs', 'digest', 'run', '--cadence', 'daily'], server.env);
  expect(run.code, run.stderr).toBe(0);
  digest = await simpleParser((await smtp.waitForMessage(READER, 2)).raw);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Box = { left: number; right: number; width: number };

/** What the layout of the digest in `page` measures, in CSS pixels. */
function measureDigest(page: Page) {
  return page.evaluate((titles) => {
    const box = (el: Element): Box => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    };
    const links = [...document.querySelectorAll('a')];
    const column = (el: Element) => box(el.closest('.mj-column-per-100') as Element);
    const pieces = titles.map((title) => {
      const link = links.find((a) => a.textContent?.trim() === title);
      if (!link) return null;
      const block = link.closest('div') as HTMLElement;
      const style = getComputedStyle(block);
      return { title, block: box(block), column: column(block), lines: [...link.getClientRects()].map((r) => ({ left: r.left, right: r.right })), direction: style.direction, align: style.textAlign };
    });
    return {
      dir: document.documentElement.dir,
      lang: document.documentElement.lang,
      // Gmail drops the <html> attributes; MJML repeats them on the wrapper it keeps.
      wrapperDir: document.querySelector('div[role="article"]')?.getAttribute('dir'),
      textBlocks: [...document.querySelectorAll('td.rtl > div')].map((d) => ({ text: d.textContent?.trim().slice(0, 30), direction: getComputedStyle(d).direction })),
      pieces,
      buttons: links.filter((a) => a.textContent?.trim() === 'اقرأ المقال').map((a) => ({ button: box(a), column: column(a) })),
      images: [...document.querySelectorAll('img')].map((i) => ({ width: i.getAttribute('width'), alt: i.getAttribute('alt'), loaded: i.naturalWidth, shown: box(i) })),
      viewport: document.documentElement.clientWidth,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  }, TITLES);
}

/** The email's "view in browser" link. */
const archiveLinkIn = (html: string) => /<a href="([^"]+)"[^>]*>عرض النشرة في المتصفح<\/a>/.exec(html)?.[1];

describe('the digest email, laid out in Chromium', () => {
  it.each([600, 375])('reads right to left at %ipx', async (width) => {
    const html = digest.html || '';
    expect(html).toContain(SHORT_TITLE);
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    try {
      await page.setContent(html, { waitUntil: 'load' });
      const m = await measureDigest(page);
      expect(m).toMatchObject({ dir: 'rtl', lang: 'ar', wrapperDir: 'rtl' });
      expect(m.textBlocks.length).toBeGreaterThan(10);
      for (const block of m.textBlocks) expect(block.direction, block.text).toBe('rtl');

      for (const piece of m.pieces) {
        expect(piece, 'every piece is in the email').not.toBeNull();
        const { title, block, column, lines, direction, align } = piece!;
        expect(direction).toBe('rtl');
        expect(['right', 'start']).toContain(align);
        // The title's block hugs the column's right side (the cell's padding apart)…
        expect(column.right - block.right, title).toBeGreaterThanOrEqual(0);
        expect(column.right - block.right, title).toBeLessThanOrEqual(30);
        // …and each of its lines starts at the block's right edge, however many there are.
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(Math.abs(block.right - line.right), title).toBeLessThanOrEqual(1.5);
      }
      const short = m.pieces[0]!;
      expect(short.lines).toHaveLength(1);
      expect(short.lines[0]!.left - short.block.left, 'a short title leaves the left side empty').toBeGreaterThan(short.block.width / 3);
      if (width === 375) expect(m.pieces[1]!.lines.length, 'the long title wraps on a phone').toBeGreaterThan(1);

      expect(m.buttons).toHaveLength(TITLES.length);
      for (const { button, column } of m.buttons) {
        expect(column.right - button.right, '"اقرأ المقال" sits at the right').toBeLessThanOrEqual(30);
        expect(button.left - column.left, '"اقرأ المقال" leaves the left side').toBeGreaterThan(column.width / 2);
      }

      expect(m.images).toHaveLength(2);
      for (const image of m.images) {
        expect(Number(image.width)).toBeGreaterThan(0);
        expect(image.alt).toMatch(/\S/);
        expect(image.loaded, 'the image loaded').toBeGreaterThan(0);
        expect(image.shown.right).toBeLessThanOrEqual(m.viewport);
      }
      expect(m.images.map((i) => i.alt)).toEqual(['حقل قمح بعد المطر', 'ساحة قرية واحية']);
      expect(m.overflow, 'nothing scrolls sideways').toBeLessThanOrEqual(0);
      if (SCREENSHOTS !== tmpdir()) mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `digest-rtl-${width}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('the edition on the web, without JavaScript', () => {
  it('is right to left, shows the pieces, and its links lead through the archive to sign-up', async () => {
    const url = archiveLinkIn(digest.html || '');
    expect(url).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/newsletter/archive/\\w+$`));
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, javaScriptEnabled: false, locale: 'ar-MA' });
    const page = await context.newPage();
    try {
      const res = await page.goto(url!);
      expect(res?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('html').getAttribute('lang')).toBe('ar');
      const layout = await page.evaluate(() => {
        const card = document.querySelector('.piece') as HTMLElement;
        const title = card.querySelector('h2 a') as HTMLElement;
        const pad = parseFloat(getComputedStyle(card).paddingRight);
        return {
          direction: getComputedStyle(document.querySelector('h1') as Element).direction,
          titleGap: card.getBoundingClientRect().right - pad - title.getBoundingClientRect().right,
          images: [...document.querySelectorAll('.piece img')].map((i) => ({ width: i.getAttribute('width'), height: i.getAttribute('height'), alt: i.getAttribute('alt'), loaded: (i as HTMLImageElement).naturalWidth })),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      });
      expect(layout.direction).toBe('rtl');
      expect(Math.abs(layout.titleGap), 'titles start at the right').toBeLessThanOrEqual(1.5);
      expect(layout.images).toHaveLength(2);
      for (const image of layout.images) expect(image).toMatchObject({ width: expect.stringMatching(/^\d+$/), height: expect.stringMatching(/^\d+$/), alt: expect.stringMatching(/\S/) });
      for (const image of layout.images) expect(image.loaded).toBeGreaterThan(0);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      for (const title of TITLES) expect(await page.getByRole('link', { name: title, exact: true }).getAttribute('href')).toMatch(/utm_source=nashra/);
      await page.screenshot({ path: join(tmpdir(), 'edition-web-375.png'), fullPage: true });

      await page.getByRole('link', { name: 'أرشيف النشرة', exact: true }).click();
      expect(new URL(page.url()).pathname).toBe('/newsletter/archive');
      expect(await page.locator('main h1').innerText()).toBe('أرشيف النشرة البريدية');
      const editionLink = page.locator(`a[href="${new URL(url!).pathname}"]`);
      expect(await editionLink.count()).toBe(1);
      await page.screenshot({ path: join(tmpdir(), 'archive-web-375.png'), fullPage: true });
      await editionLink.click();
      expect(page.url()).toBe(url);
      await page.getByRole('link', { name: 'اشترك في النشرة' }).click();
      expect(new URL(page.url()).pathname).toBe('/subscribe');
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    } finally {
      await context.close();
    }
  });
});
