/**
 * The Node server as people run it: a child process on a SQLite file, mail over real SMTP to
 * a sink on loopback, digests sent by the `nashra` CLI as a second process on the same file.
 */
import { parseFeed as parseAnyFeed } from 'feedsmith';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentaryArticle, postArticle } from './support/articles.js';
import { isEncodedWords, longestLineBytes, partTypes, readRaw } from './support/mime.js';
import { freePort } from './support/ports.js';
import { runNode } from './support/process.js';
import { confirmLinkIn, confirmThroughLink, subscribe } from './support/readers.js';
import { startServer, type RunningServer } from './support/server.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { parseStrictXml } from './support/xml.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SITE_NAME = 'منبر الرأي';
const TIME_ZONE = 'Africa/Casablanca';
const HOUR = 3600_000;

let dir: string;
let smtp: SmtpSink;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-'));
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
    DIGEST_TIMEZONE: TIME_ZONE,
    SCHEDULER: 'false',
    SEED: 'false',
  });
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${server.url}${path}`);
const digestRun = (now: Date) => runNode(['bin/nashra.mjs', 'digest', 'run', '--now', now.toISOString()], server.env);

/**
 * Digests take pieces by when they were listed (added), which for an article added now is now.
 * This test replays past days, so it dates the listing back to the publication time, as if
 * each article had been added when it was published.
 */
function listedWhenPublished(id: string): void {
  const db = new Database(server.env.DATABASE_PATH as string);
  try {
    db.prepare('UPDATE articles SET listed_at = published_at WHERE id = ?').run(id);
  } finally {
    db.close();
  }
}
const arabicDate = (at: Date) => new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone: TIME_ZONE }).format(at);

describe('Node server', () => {
  it('serves a new commentary article with its image in RSS, Atom and JSON Feed, declared Arabic', async () => {
    const title = 'المدن الصغيرة وسؤال التنمية';
    const image = 'https://images.example/2026/towns.jpg';
    await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title, image: { url: image, type: 'image/jpeg', length: 1200, alt: 'بلدة' } }));

    for (const [path, type, root] of [
      ['/feed.rss', 'application/rss+xml', 'rss'],
      ['/feed.atom', 'application/atom+xml', 'feed'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(`${type}; charset=utf-8`);
      const xml = await res.text();
      const strict = parseStrictXml(xml);
      expect(strict.errors, path).toEqual([]);
      expect(strict.root?.name, path).toBe(root);
      const feed = parseFeed(xml);
      expect(feed.language, path).toBe('ar');
      const item = feed.items.find((i) => i.title === title);
      expect(item, `${path} has the article`).toBeDefined();
      expect(item?.content, path).toContain('dir="rtl"');
      expect(item?.content, path).not.toContain('<script');
      expect(item?.media.map((m) => m.url), path).toContain(image);
    }
    expect(parseStrictXml(await (await get('/feed.atom')).text()).root?.attributes['xml:lang']).toBe('ar');

    const res = await get('/feed.json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const text = await res.text();
    expect((JSON.parse(text) as { version: string }).version).toBe('https://jsonfeed.org/version/1.1');
    // A maintained feed library's JSON Feed parser, as a reader would use.
    const parsed = parseAnyFeed(text);
    expect(parsed.format).toBe('json');
    const json = parsed.feed as { language?: string; items?: { title?: string; image?: string; language?: string; content_html?: string }[] };
    expect(json.language).toBe('ar');
    const item = json.items?.find((i) => i.title === title);
    expect(item).toMatchObject({ image, language: 'ar' });
    expect(item?.content_html).toContain('dir="rtl"');
  });

  it('takes a reader from sign-up to a confirmed digest and out again with one click', async () => {
    const t0 = Date.now();
    const firstRun = new Date(t0 - 26 * HOUR);
    const secondRun = new Date(t0 - 2 * HOUR); // the next day in any time zone
    const first = await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({
      title: 'الماء والزراعة في زمن الجفاف', publishedAt: new Date(t0 - 27 * HOUR).toISOString(),
    }));
    expect(new Date(first.publishedAt).getTime()).toBeLessThan(firstRun.getTime());
    listedWhenPublished(first.id);

    // Two readers: the one who leaves, and one who stays to show the second digest went out.
    const reader = 'reader@example.test';
    const stayer = 'stayer@example.test';
    for (const email of [reader, stayer]) await subscribeAndConfirm(email);

    const run1 = await digestRun(firstRun);
    expect(run1.code, run1.stderr).toBe(0);
    expect(run1.stdout).toMatch(/^daily \d{4}-\d{2}-\d{2}: submitted 2$/m);
    const digestRaw = (await smtp.waitForMessage(reader, 2)).raw;
    const unsubscribeUrl = await expectWellFormedDigest(digestRaw, `${SITE_NAME}: النشرة اليومية، ${arabicDate(firstRun)}`, first.title);

    const left = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain('تم إلغاء اشتراكك');

    const second = await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({
      title: 'الجامعة وسوق الشغل', publishedAt: new Date(t0 - 14 * HOUR).toISOString(),
    }));
    listedWhenPublished(second.id);
    const run2 = await digestRun(secondRun);
    expect(run2.code, run2.stderr).toBe(0);
    expect(run2.stdout).toMatch(/^daily \d{4}-\d{2}-\d{2}: submitted 1$/m);
    const next = await simpleParser((await smtp.waitForMessage(stayer, 3)).raw);
    expect(next.subject).toBe(`${SITE_NAME}: النشرة اليومية، ${arabicDate(secondRun)}`);
    expect(next.text).toContain(second.title);
    expect(next.text).not.toContain(first.title);
    expect(smtp.to(reader)).toHaveLength(2); // the confirmation and the first digest only
  });
});

/** POST /subscribe as JSON, then follow the link in the confirmation that reaches the sink. */
async function subscribeAndConfirm(email: string): Promise<void> {
  const before = smtp.to(email).length;
  expect((await subscribe(server.url, email, 'daily')).status).toBe(202);
  const mail = await simpleParser((await smtp.waitForMessage(email, before + 1)).raw);
  expect(mail.subject).toBe(`أكّد اشتراكك في ${SITE_NAME}`);
  const link = confirmLinkIn(mail.text, server.url);
  expect(link, 'confirmation link in the text part').toBeDefined();
  expect(mail.html).toContain(link);
  const confirmed = await confirmThroughLink(link!);
  expect(confirmed.status).toBe(200);
  expect(confirmed.headers.get('content-type')).toMatch(/^text\/html/);
  const page = await confirmed.text();
  expect(page).toContain('تم تأكيد اشتراكك');
  expect(page).toMatch(/<html lang="ar" dir="rtl">/);
}

/**
 * Checks a digest as a mail client and as the wire see it: decoded subject, MIME structure,
 * Arabic right-to-left HTML, the article in both parts, RFC 8058 and RFC 2919 headers, line
 * lengths. Returns the one-click unsubscribe URL.
 */
async function expectWellFormedDigest(digestRaw: Buffer, subject: string, title: string): Promise<string> {
  const digest = await simpleParser(digestRaw);
  const raw = readRaw(digestRaw);
  expect(digest.subject).toBe(subject);
  expect(raw.header('subject')).toHaveLength(1);
  expect(isEncodedWords(raw.header('subject')[0]!), raw.header('subject')[0]).toBe(true);
  expect(digest.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  expect(raw.header('content-type')[0]).toMatch(/^multipart\/alternative;/);
  expect(partTypes(raw)).toEqual(['text/plain', 'text/html']);
  expect(digest.html || '').toMatch(/<html\b[^>]*\bdir="rtl"/);
  expect(digest.html || '').toMatch(/<html\b[^>]*\blang="ar"/);
  expect(digest.text).toContain(title);
  expect(digest.html).toContain(title);
  expect(longestLineBytes(digestRaw)).toBeLessThanOrEqual(998);
  expect(raw.header('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
  // RFC 2919: the list id sits in angle brackets outside any encoded-word, or no client can read it.
  const [listName, listId] = (raw.header('list-id')[0] ?? '').split(/\s*(?=<)/);
  expect(listId).toBe('<digest.127.0.0.1>');
  expect(isEncodedWords(listName ?? ''), listName).toBe(true);
  expect(digest.headers.get('list')).toMatchObject({ id: { id: 'digest.127.0.0.1' } });
  const unsubscribeUrl = /^<([^>]+)>$/.exec(raw.header('list-unsubscribe')[0] ?? '')?.[1]?.replace(/\s+/g, '');
  expect(unsubscribeUrl).toMatch(new RegExp(`^${server.url}/unsubscribe\\?token=`));
  return unsubscribeUrl!;
}
