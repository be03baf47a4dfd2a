/**
 * `npm start` on a fresh machine: no SMTP server, no secrets set. Mail goes to an outbox
 * folder as .eml files; development secrets are generated once and kept beside the database.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEncodedWords, longestLineBytes, readRaw } from './support/mime.js';
import { waitForOutboxMail } from './support/outbox.js';
import { waitFor } from './support/poll.js';
import { freePort } from './support/ports.js';
import { confirmLinkIn, confirmThroughLink, subscribe } from './support/readers.js';
import { startServer, type RunningServer } from './support/server.js';

let dir: string;
let settings: Parameters<typeof startServer>[0];
let server: RunningServer;

const dataDir = () => join(dir, 'data'); // does not exist yet: the server creates it
const secretsFile = () => join(dataDir(), 'dev-secrets.json');
const outboxDir = () => join(dir, 'outbox');
const readSecrets = () => JSON.parse(readFileSync(secretsFile(), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-outbox-'));
  const port = String(await freePort());
  settings = {
    PORT: port,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: join(dataDir(), 'nashra.db'),
    OUTBOX_DIR: outboxDir(),
    SCHEDULER: 'false',
    SEED: 'false',
  };
  server = await startServer(settings);
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Node server without SMTP or secrets', () => {
  it('generates secrets beside the database and says where the URL, database, outbox and admin token are', async () => {
    const secrets = readSecrets();
    expect(typeof secrets.ADMIN_TOKEN === 'string' && secrets.ADMIN_TOKEN.length >= 16, 'ADMIN_TOKEN of 16+ characters').toBe(true);
    expect(typeof secrets.SECRET_KEY === 'string' && secrets.SECRET_KEY.length >= 32, 'SECRET_KEY of 32+ characters').toBe(true);
    expect(statSync(secretsFile()).mode & 0o777).toBe(0o600);

    const banner = await waitFor('the start-up banner', () => server.child.stdout().includes('digests:') && server.child.stdout());
    expect(banner).toContain(`Nashra is running at ${server.url}`);
    expect(banner).toContain(settings.DATABASE_PATH);
    expect(banner).toContain(`outbox folder ${outboxDir()}`);
    expect(banner).toMatch(new RegExp(`admin: .*${escapeRegExp(secretsFile())}.*ADMIN_TOKEN`));

    const list = (token: string) => fetch(`${server.url}/api/admin/articles`, { headers: { authorization: `Bearer ${token}` } });
    expect((await list(secrets.ADMIN_TOKEN as string)).status).toBe(200);
    expect((await list('not-the-generated-admin-token')).status).toBe(401);
  });

  it('writes the confirmation email to the outbox as an .eml file', async () => {
    const email = 'outbox-reader@example.test';
    expect((await subscribe(server.url, email)).status).toBe(202);
    const { file, raw, mail } = await waitForOutboxMail(outboxDir(), email);
    expect(file.startsWith(outboxDir())).toBe(true);
    expect(raw.toString('latin1'), 'every line ends in CRLF, as RFC 5322 requires').not.toMatch(/(?<!\r)\n/);
    expect(mail.subject).toBe('أكّد اشتراكك في نشرة');
    expect(isEncodedWords(readRaw(raw).header('subject')[0] ?? '')).toBe(true);
    expect(mail.html || '').toMatch(/<html\b[^>]*\bdir="rtl"/);
    expect(confirmLinkIn(mail.text, server.url)).toBeDefined();
    expect(longestLineBytes(raw)).toBeLessThanOrEqual(998);
  });

  it('keeps the secrets across a restart: the admin token and links sent before it still work', async () => {
    const email = 'restart-reader@example.test';
    expect((await subscribe(server.url, email)).status).toBe(202);
    const link = confirmLinkIn((await waitForOutboxMail(outboxDir(), email)).mail.text, server.url);
    expect(link).toBeDefined();
    const before = readFileSync(secretsFile(), 'utf8');

    await server.stop();
    server = await startServer(settings);

    expect(readFileSync(secretsFile(), 'utf8')).toBe(before);
    const confirmed = await confirmThroughLink(link!);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('تم تأكيد اشتراكك');
    const res = await fetch(`${server.url}/api/admin/articles`, { headers: { authorization: `Bearer ${readSecrets().ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
