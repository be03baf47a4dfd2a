/**
 * One digest as a mail server receives it from `nashra digest run` (Node, real SMTP on
 * loopback): the raw bytes (encoded-words, folding, line lengths, part order, list headers)
 * and mailparser's reading of them. Two more readers are refused at RCPT TO, one for now
 * (451) and one for good (550), to show what each leaves in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from './support/db.js';
import { digestSenderEnv, runDigest, startDigestSink, type DigestSink, type ReceivedMessage } from './support/digest-sender.js';
import { seedDigestDatabase, type DigestSeed } from './support/digest-seed.js';
import { longestLineBytes, partTypes, readRaw } from './support/mime.js';

const SITE_NAME = 'صحيفة الرأي المغربية';
const HOST = 'news.example.ma';
const READER = 'layla@example.ma';
const LATER = 'later@example.ma'; // greylisted: 451 at RCPT TO
const GONE = 'gone@example.ma'; // no such mailbox: 550 at RCPT TO
const LONG_WORD = 'استقلال'.repeat(300); // one word of 2,100 letters, no space to fold at

let dir: string;
let sink: DigestSink;
let seeded: DigestSeed;
let runStartedAt: number;
let run: Awaited<ReturnType<typeof runDigest>>;
let message: ReceivedMessage;
let mail: ParsedMail;
const dbPath = () => join(dir, 'nashra.db');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-digest-message-'));
  sink = await startDigestSink({
    refuse: (to) => (to === LATER ? { code: 451, message: 'Greylisted, try again later' } : to === GONE ? { code: 550, message: '5.1.1 No such mailbox here' } : undefined),
  });
  const env = digestSenderEnv({
    DATABASE_PATH: dbPath(),
    SMTP_URL: sink.url,
    ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef',
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    PUBLIC_URL: `https://${HOST}`,
    SITE_URL: 'https://www.example.ma',
    SITE_NAME,
    MAIL_FROM: `صحيفة الرأي <digest@${HOST}>`,
    MAIL_REPLY_TO: 'هيئة التحرير <editors@example.ma>',
    UNSUBSCRIBE_MAILTO: `unsubscribe@${HOST}`,
  });
  seeded = await seedDigestDatabase(env, {
    pieces: [{ title: 'المدينة بعد المطر' }, { title: LONG_WORD, summary: 'تحليل'.repeat(400) }, { title: 'الاقتصاد المحلي وأسئلته', image: null }],
    readers: [{ email: READER, name: 'ليلى' }, { email: LATER }, { email: GONE }],
  });
  runStartedAt = Date.now();
  run = await runDigest(env);
  expect(run.code, run.stderr).toBe(0);
  expect(sink.received.map((m) => m.to)).toEqual([READER]);
  message = sink.received[0]!;
  mail = await simpleParser(message.raw);
});

afterAll(async () => {
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The raw lines of one header field, folded as sent. */
function rawFieldLines(raw: Buffer, name: string): string[] {
  const lines = raw.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n');
  const start = lines.findIndex((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && !/^[ \t]/.test(l));
  return lines.slice(start, end < 0 ? lines.length : end);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** Decodes one RFC 2047 encoded-word; throws when its bytes are not whole UTF-8 characters. */
function decodeWord(word: string): string {
  const [, , encoding, text] = new RegExp(ENCODED_WORD.source).exec(word)!;
  const bytes =
    encoding!.toUpperCase() === 'B'
      ? Buffer.from(text!, 'base64')
      : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Same-origin links of an HTML document or plain text, parsed. */
function linksTo(origin: string, hrefs: string[]): URL[] {
  return hrefs.map((h) => new URL(h)).filter((u) => u.origin === origin);
}

function expectPiecesLinkedWithUtm(links: URL[]): void {
  for (const piece of seeded.pieces) {
    const canonical = new URL(piece.canonicalUrl);
    const found = links.filter((u) => u.pathname === canonical.pathname);
    expect(found.length, `a link to "${piece.title.slice(0, 40)}"`).toBeGreaterThan(0);
    for (const u of found) {
      expect(Object.fromEntries(u.searchParams)).toEqual({ utm_source: 'nashra', utm_medium: 'email', utm_campaign: `daily-${seeded.localDate}` });
    }
  }
}

describe('a digest received over SMTP from nashra digest run', () => {
  it('has a subject of RFC 2047 encoded-words, each at most 75 characters and whole characters, folded', () => {
    const lines = rawFieldLines(message.raw, 'subject');
    expect(lines.length, 'a long Arabic subject is folded over several lines').toBeGreaterThan(1);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(76);
    const value = lines.join('').replace(/^subject:/i, '').trim();
    expect(value.replace(ENCODED_WORD, '').trim(), 'nothing but encoded-words').toBe('');
    const words = value.match(ENCODED_WORD) ?? [];
    for (const word of words) {
      expect(word.length, word).toBeLessThanOrEqual(75);
      expect(() => decodeWord(word), `${word} holds whole UTF-8 characters (RFC 2047 §5)`).not.toThrow();
    }
    expect(words.map(decodeWord).join('')).toBe(mail.subject);
  });

  it('names the site and the edition date in the subject, and the configured sender and reply address', () => {
    const [y, m, d] = seeded.localDate.split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d, 12));
    expect(mail.subject).toContain(SITE_NAME);
    expect(mail.subject).toContain(new Intl.DateTimeFormat('ar', { month: 'long', timeZone: 'UTC' }).format(day));
    expect(mail.subject).toContain(new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone: 'UTC' }).format(day));
    expect(mail.from?.value).toEqual([{ name: 'صحيفة الرأي', address: `digest@${HOST}` }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'هيئة التحرير', address: 'editors@example.ma' }]);
  });

  it('is multipart/alternative: plain text first, then right-to-left Arabic HTML with a preheader', () => {
    const raw = readRaw(message.raw);
    expect(raw.header('content-type')[0]).toMatch(/^multipart\/alternative;/);
    expect(partTypes(raw)).toEqual(['text/plain', 'text/html']);
    const doc = parseDocument(mail.html || '');
    const html = DomUtils.getElementsByTagName('html', doc)[0];
    expect(html?.attribs).toMatchObject({ lang: 'ar', dir: 'rtl' });
    const hidden = DomUtils.getElementsByTagName('div', doc).find((el) => /display:\s*none/.test(el.attribs.style ?? ''));
    expect(hidden, 'a hidden preview text').toBeDefined();
    expect(DomUtils.textContent(hidden!).trim().startsWith(seeded.pieces[0]!.title)).toBe(true);
  });

  it('links every piece with UTM parameters in both parts, and gives every image a width and alt text', () => {
    const site = new URL(seeded.pieces[0]!.canonicalUrl).origin;
    expectPiecesLinkedWithUtm(linksTo(site, mail.text?.match(/https?:\/\/\S+/g) ?? []));
    const doc = parseDocument(mail.html || '');
    const hrefs = DomUtils.getElementsByTagName('a', doc).map((a) => a.attribs.href ?? '');
    expectPiecesLinkedWithUtm(linksTo(site, hrefs.filter((h) => /^https?:/.test(h))));
    const images = DomUtils.getElementsByTagName('img', doc);
    expect(images.length, 'the two pieces with an image').toBe(2);
    for (const img of images) {
      expect(img.attribs.width).toMatch(/^\d+$/);
      expect(img.attribs.alt).toBe('مجلس بلدي');
    }
  });

  it('carries one-click unsubscribe, List-Id, a Message-ID on our host, Auto-Submitted and Feedback-ID', () => {
    const raw = readRaw(message.raw);
    const unsubscribe = raw.header('list-unsubscribe')[0] ?? '';
    const parts = new RegExp(`^<https://${HOST.replace(/\./g, '\\.')}/unsubscribe\\?token=([\\w.-]+)>, <mailto:unsubscribe@${HOST.replace(/\./g, '\\.')}\\?subject=unsubscribe%20([\\w.-]+)>$`).exec(unsubscribe);
    expect(parts, unsubscribe).not.toBeNull();
    expect(parts![2], 'the mailto carries the same token').toBe(parts![1]);
    expect(raw.header('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    const listId = raw.header('list-id')[0] ?? '';
    expect(listId.endsWith(`<digest.${HOST}>`), listId).toBe(true);
    expect((listId.match(ENCODED_WORD) ?? []).map(decodeWord).join('')).toBe(SITE_NAME);
    expect(mail.headers.get('list')).toMatchObject({ id: { id: `digest.${HOST}` } });
    expect(raw.header('auto-submitted')).toEqual(['auto-generated']);

    const [delivery] = queryDb<{ id: string; edition_id: string; message_id: string }>(
      dbPath(),
      'SELECT d.id, d.edition_id, d.message_id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = ?',
      READER,
    );
    expect(raw.header('message-id')).toEqual([`<${delivery!.id.toLowerCase()}@${HOST}>`]);
    expect(delivery!.message_id).toBe(raw.header('message-id')[0]);
    expect(raw.header('feedback-id')).toEqual([`${delivery!.edition_id}:digest:nashra`]);
  });

  it('keeps every encoded-word in every header field within 75 characters (RFC 2047 §2)', () => {
    const head = message.raw.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n(?=[ \t])/g, '');
    const long = (head.match(ENCODED_WORD) ?? []).filter((w) => w.length > 75);
    const fields = head.split('\r\n').filter((f) => (f.match(ENCODED_WORD) ?? []).some((w) => w.length > 75)).map((f) => f.split(':')[0]);
    expect(long.map((w) => w.length), `over-long encoded-words in ${fields.join(', ')}`).toEqual([]);
  });

  it('keeps every line within 998 characters, even around a piece whose title is one 2,100-letter word', () => {
    expect(mail.html).toContain(LONG_WORD);
    expect(mail.text).toContain(LONG_WORD);
    expect(message.raw.toString('latin1'), 'every line ends in CRLF').not.toMatch(/(?<!\r)\n/);
    expect(longestLineBytes(message.raw)).toBeLessThanOrEqual(998);
  });
});

describe('readers refused at RCPT TO', () => {
  type Row = { status: string; attempts: number; next_attempt_at: number | null; error: string | null; smtp_response: string | null; suppressed_at: number | null };
  const rowOf = (email: string) =>
    queryDb<Row>(
      dbPath(),
      'SELECT d.status, d.attempts, d.next_attempt_at, d.error, d.smtp_response, s.suppressed_at FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = ?',
      email,
    )[0];

  it('says what happened to each delivery', () => {
    expect(run.stdout).toContain(`daily ${seeded.localDate}: bounced 1, pending 1, submitted 1`);
  });

  it('a 451 leaves the delivery pending, retried only after a backoff', () => {
    const row = rowOf(LATER);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, suppressed_at: null });
    expect(row!.error).toContain('451');
    // Tried after the run started, then not again for at least the first backoff (a minute).
    expect(row!.next_attempt_at).toBeGreaterThanOrEqual(runStartedAt + 60_000);
  });

  it('a 550 marks the delivery bounced and suppresses the address', () => {
    const row = rowOf(GONE);
    expect(row).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(row!.suppressed_at).not.toBeNull();
    expect(row!.smtp_response ?? row!.error).toContain('550');
    expect(queryDb<{ reason: string; source: string }>(dbPath(), 'SELECT reason, source FROM suppressions')).toEqual([{ reason: 'hard_bounce', source: 'smtp' }]);
  });
});
