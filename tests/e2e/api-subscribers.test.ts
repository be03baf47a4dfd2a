/**
 * The partner API on the Node server as people run it behind one reverse proxy
 * (TRUST_PROXY_HOPS=1): client addresses from X-Forwarded-For read from the right, limits in
 * the SQLite file, the confirmation on a real SMTP server, counters pruned by the scheduler.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRaw } from './support/mime.js';
import { waitFor } from './support/poll.js';
import { freePort } from './support/ports.js';
import { runNode } from './support/process.js';
import { queryDb } from './support/db.js';
import { startServer, type RunningServer } from './support/server.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const DAY = 86_400_000;

let dir: string;
let dbPath: string;
let smtp: SmtpSink;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-api-'));
  dbPath = join(dir, 'nashra.db');
  smtp = await startSmtpSink();
  const port = String(await freePort());
  const settings = {
    PORT: port,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: dbPath,
    SMTP_URL: smtp.url,
    ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef',
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    TRUST_PROXY_HOPS: '1',
    SCHEDULER: 'true',
    SEED: 'false',
  };
  // A counter left from two days ago, in a database made before the server starts.
  const migrated = await runNode(['bin/nashra.mjs', 'migrate'], { ...process.env, ...settings });
  expect(migrated.code, migrated.stderr).toBe(0);
  const db = new Database(dbPath);
  db.prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)').run('signup:ip:600000:192.0.2.1', Date.now() - 2 * DAY, 9);
  db.close();
  server = await startServer(settings);
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = <T>(sql: string, ...params: unknown[]): T[] => queryDb<T>(dbPath, sql, ...params);

/** A sign-up as the proxy passes it on: the client's own header, then the address the proxy saw. */
function signUp(body: unknown, forwardedFor: string): Promise<Response> {
  return fetch(`${server.url}/api/subscribers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify(body),
  });
}

describe('partner API on Node behind a proxy', () => {
  it('records the address the proxy appended, not one the client wrote', async () => {
    expect((await signUp({ email: 'proxy@example.com' }, '6.6.6.6, 203.0.113.7')).status).toBe(202);
    expect(query<{ consent_ip: string }>('SELECT consent_ip FROM subscribers WHERE email = ?', 'proxy@example.com')).toEqual([{ consent_ip: '203.0.113.7' }]);
  });

  it('records the weekly digest\'s day in the SQLite file, and refuses one outside 1–7 by field', async () => {
    expect((await signUp({ email: 'thursday@example.com', frequency: 'weekly', preferredWeekday: 4 }, '198.51.100.20')).status).toBe(202);
    expect(query('SELECT frequency, preferred_weekday FROM subscribers WHERE email = ?', 'thursday@example.com')).toEqual([{ frequency: 'weekly', preferred_weekday: 4 }]);
    const refused = await signUp({ email: 'no-day@example.com', preferredWeekday: 8 }, '198.51.100.21');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_request', details: { fields: [{ path: 'preferredWeekday' }] } } });
    expect(query('SELECT id FROM subscribers WHERE email = ?', 'no-day@example.com')).toEqual([]);
  });

  it('throttles a flood from one client with 429 and Retry-After while another client signs up', async () => {
    for (let i = 0; i < 5; i++) expect((await signUp({ email: `flood${i}@example.com` }, `10.0.0.${i}, 203.0.113.66`)).status).toBe(202);
    const refused = await signUp({ email: 'flood5@example.com' }, '10.0.0.9, 203.0.113.66');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await signUp({ email: 'neighbour@example.com' }, '10.0.0.9, 198.51.100.4')).status).toBe(202);
  });

  it('sends a confirmation whose headers gain nothing from the name, and refuses line breaks', async () => {
    expect((await signUp({ email: 'a@example.com', name: 'ليلى\r\nBcc: victim@example.com' }, '198.51.100.10')).status).toBe(400);
    expect((await signUp({ email: 'a@example.com\r\nBcc: victim@example.com' }, '198.51.100.11')).status).toBe(400);
    const name = 'ليلى Bcc: victim@example.com =?utf-8?q?=0D=0ABcc:_v@x.y?=';
    expect((await signUp({ email: 'layla@example.com', name }, '198.51.100.12')).status).toBe(202);
    const message = await smtp.waitForMessage('layla@example.com');
    expect(message.to).toEqual(['layla@example.com']);
    const raw = readRaw(message.raw);
    expect(raw.header('to')).toEqual(['layla@example.com']);
    expect(raw.header('bcc')).toEqual([]);
    expect(raw.header('cc')).toEqual([]);
    expect(smtp.to('victim@example.com')).toEqual([]);
    expect(smtp.to('v@x.y')).toEqual([]);
  });

  it('prunes old counters from the scheduler', async () => {
    await waitFor('old counter pruned', () => query('SELECT key FROM rate_limits WHERE key = ?', 'signup:ip:600000:192.0.2.1').length === 0, { timeoutMs: 15_000 });
  });
});
