/** The Mailer over an HTTP email API, against a real HTTP server on loopback. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpMailer } from '../../src/adapters/http-mailer.js';
import { MailSubmitError, type MailMessage } from '../../src/email/mailer.js';

type Seen = { headers: IncomingMessage['headers']; body: Record<string, unknown> };
let server: Server;
let url: string;
let seen: Seen[];
let reply: { status: number; body: string };

beforeEach(async () => {
  seen = [];
  reply = { status: 200, body: '{"id":"msg_123"}' };
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emails`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const message: MailMessage = {
  to: 'reader@example.com',
  from: 'نشرة <newsletter@nashra.test>',
  replyTo: 'editors@nashra.test',
  subject: 'نشرة: النشرة اليومية',
  text: 'نص',
  html: '<p dir="rtl">نص</p>',
  messageId: '<e1-s1@nashra.test>',
  idempotencyKey: 'e1-s1',
  headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
};

const mailer = () => createHttpMailer({ url, apiKey: 'key-0123456789', fetch });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as MailSubmitError);

describe('HTTP API mailer', () => {
  it('posts the message as JSON with the delivery id as idempotency key', async () => {
    await expect(mailer().send(message)).resolves.toEqual({ messageId: '<e1-s1@nashra.test>', response: '200 id msg_123' });
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer key-0123456789', 'idempotency-key': 'e1-s1' });
    expect(seen[0]?.body).toEqual({
      from: message.from, to: ['reader@example.com'], subject: message.subject, text: 'نص', html: message.html,
      reply_to: 'editors@nashra.test', headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Message-ID': '<e1-s1@nashra.test>' },
    });
  });

  it('treats a refusal of the message as permanent, and rate limits, conflicts and server errors as temporary', async () => {
    for (const [status, permanent] of [[422, true], [400, true], [429, false], [409, false], [500, false], [503, false]] as const) {
      reply = { status, body: '{"message":"nope"}' };
      const err = await failure(mailer().send(message));
      expect(err, String(status)).toBeInstanceOf(MailSubmitError);
      expect(err?.permanent, String(status)).toBe(permanent);
      expect(err?.response).toContain(String(status));
    }
  });

  it('is a temporary failure when the API cannot be reached, and refuses a header with a line break before sending', async () => {
    const down = createHttpMailer({ url: 'http://127.0.0.1:1/emails', apiKey: 'key-0123456789', fetch });
    expect((await failure(down.send(message)))?.permanent).toBe(false);
    const injected = await failure(mailer().send({ ...message, subject: 'x\r\nBcc: victim@example.com' }));
    expect(injected?.permanent).toBe(true);
    expect(seen).toHaveLength(0);
  });
});
