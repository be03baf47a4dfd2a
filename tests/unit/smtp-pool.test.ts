/** The SMTP Mailer keeps a pool of connections open, against a real SMTP server on loopback. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.js';
import type { Mailer } from '../../src/email/mailer.js';

let server: SMTPServer;
let url: string;
let connections: number;
let received: number;
let mailer: Mailer | undefined;

beforeEach(async () => {
  connections = 0;
  received = 0;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
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
});
