/** The SMTP Mailer keeps a pool of connections open, against a real SMTP server on loopback. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { buildRawMessage } from '../../src/adapters/raw-mime.js';
import { createMessageBuffers, createSmtpMailer } from '../../src/adapters/smtp-mailer.js';
import type { Mailer } from '../../src/email/mailer.js';

let server: SMTPServer;
let url: string;
let connections: number;
let received: number;
let bodies: Buffer[];
let mailer: Mailer | undefined;

beforeEach(async () => {
  connections = 0;
  received = 0;
  bodies = [];
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await mailer?.close?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const message = (i: number) => ({
  to: `reader${i}@example.com`, from: 'نشرة <newsletter@nashra.test>', subject: 'نشرة', text: 'نص', html: '<p>نص</p>', messageId: `<m${i}@nashra.test>`,
});

describe('SMTP mailer', () => {
  it('sends many messages over at most SMTP_POOL_SIZE connections', async () => {
    mailer = createSmtpMailer({ url, maxConnections: 2 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => mailer!.send(message(i))));
    expect(received).toBe(30);
    expect(connections).toBeGreaterThanOrEqual(1);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('opens a connection per message when pooling is off (Workers)', async () => {
    mailer = createSmtpMailer({ url, pool: false });
    for (let i = 0; i < 3; i++) await mailer.send(message(i));
    expect(connections).toBe(3);
  });

  it('reuses message buffers without one message\'s bytes reaching another', async () => {
    mailer = createSmtpMailer({ url, maxConnections: 2 });
    // Lengths that grow and shrink, many in flight at once, so buffers are taken back and reused.
    const long = (i: number) => ({ ...message(i), html: `<p>${'مقال '.repeat(200 + ((i * 37) % 500))}#${i}</p>` });
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 20 }, (_, i) => mailer!.send(long(round * 20 + i))));
    expect(received).toBe(60);
    const parsed = await Promise.all(bodies.map((b) => simpleParser(b)));
    for (const mail of parsed) {
      const i = Number(/<m(\d+)@/.exec(mail.messageId ?? '')?.[1]);
      expect(mail.html).toBe(long(i).html);
    }
  });
});

describe('message buffers', () => {
  it('builds the same bytes as buildRawMessage and reuses a released buffer', () => {
    const buffers = createMessageBuffers();
    const at = new Date('2026-11-29T07:00:00Z');
    const first = buffers.fill(message(1), at);
    expect(first.raw.equals(buildRawMessage(message(1), at))).toBe(true);
    buffers.release(first.buffer);
    const second = buffers.fill(message(2), at);
    expect(second.buffer).toBe(first.buffer);
    expect(second.raw.equals(buildRawMessage(message(2), at))).toBe(true);
    // Not released: the next message gets a buffer of its own.
    expect(buffers.fill(message(3), at).buffer).not.toBe(second.buffer);
  });
});
