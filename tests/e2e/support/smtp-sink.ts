/**
 * A real SMTP server on loopback that keeps every message's raw bytes, so tests can read
 * exactly what a mail server would have received.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './poll.js';

export type SunkMessage = { from: string; to: string[]; raw: Buffer };

export type SmtpSink = {
  port: number;
  url: string;
  messages: SunkMessage[];
  /** Messages received so far for `address` (envelope recipient). */
  to(address: string): SunkMessage[];
  /** Waits until `address` has received `count` messages in all; returns the last of them. */
  waitForMessage(address: string, count?: number, timeoutMs?: number): Promise<SunkMessage>;
  close(): Promise<void>;
};

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const envelope = session.envelope;
        messages.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const to = (address: string) => messages.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to,
    waitForMessage: (address, count = 1, timeoutMs = 15_000) =>
      waitFor(`message #${count} to ${address}`, () => to(address)[count - 1], { timeoutMs }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
