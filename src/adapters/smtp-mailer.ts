/**
 * The Mailer over SMTP with nodemailer (pooled). Runs on Node and inside workerd (over
 * `node:net`; deployed Workers block port 25, so use 587 or 465). SMTP replies become
 * `MailSubmitError`s: 5xx permanent, everything else temporary, with the reply code and the
 * stage it answered (so a refused recipient can be told from a refused login).
 */
import nodemailer from 'nodemailer';
import { assertSingleLine, MailSubmitError, type MailMessage, type Mailer, type SmtpStage } from '../email/mailer.js';
import { addressOf, buildRawMessage, rawMessagePieces } from './raw-mime.js';

export type SmtpOptions = { url: string; pool?: boolean; maxConnections?: number; rateLimitPerSecond?: number };

/**
 * What nodemailer sends: our own bytes (`raw-mime.ts`) and the envelope. nodemailer adds
 * nothing to a raw message; it only talks SMTP. Throws `MailSubmitError` (permanent) for a
 * header value with a line break, before anything is sent.
 */
export function toNodemailer(m: MailMessage, date = new Date(), raw?: Buffer) {
  assertSingleLine(m.to, 'to');
  return {
    envelope: { from: addressOf(m.from), to: [addressOf(m.to)] },
    raw: raw ?? buildRawMessage(m, date),
    messageId: m.messageId,
  };
}

/**
 * Buffers for messages' bytes, reused once a send has finished. A digest is about 100 KB per
 * reader: a fresh buffer for each message is that much garbage outside the JavaScript heap per
 * send (in the digest bench, 20 MB of such buffers waiting for collection; 4 MB reused).
 */
export function createMessageBuffers(max = 64) {
  const spare: Buffer[] = [];
  return {
    /** The message's bytes in a buffer of the pool (`raw` is a view of `buffer`). */
    fill(m: MailMessage, date = new Date()): { buffer: Buffer; raw: Buffer } {
      const pieces = rawMessagePieces(m, date);
      let size = 0;
      for (const p of pieces) size += p.length;
      let buffer = spare.pop();
      // Room to spare, so a slightly longer message next time does not need a new buffer.
      if (!buffer || buffer.length < size) buffer = Buffer.allocUnsafeSlow(Math.ceil(size * 1.25));
      let at = 0;
      for (const p of pieces) at += p.copy(buffer, at);
      return { buffer, raw: buffer.subarray(0, size) };
    },
    /** Only after the server has taken the whole message: until then the socket may still read it. */
    release(buffer: Buffer) {
      if (spare.length < max) spare.push(buffer);
    },
  };
}

/** nodemailer names the command whose reply failed (`RCPT TO`, `DATA`, `AUTH PLAIN`, `CONN` …). */
function stageOf(command: string | undefined): SmtpStage | undefined {
  if (!command) return undefined;
  if (command === 'RCPT TO') return 'recipient';
  if (command === 'DATA') return 'data';
  if (command === 'MAIL FROM') return 'sender';
  if (command.startsWith('AUTH')) return 'auth';
  return 'connection';
}

export function createSmtpMailer(opts: SmtpOptions): Mailer {
  // One options object with the URL in it: given as createTransport(url, options), the options
  // would be message defaults, and the pool settings silently ignored (a connection per message).
  const transport = nodemailer.createTransport({
    url: opts.url,
    pool: opts.pool ?? true,
    maxConnections: opts.maxConnections ?? 2,
    // A connection is reopened after this many messages (nodemailer's default, 100, reconnects often at volume).
    maxMessages: 1000,
    ...(opts.rateLimitPerSecond ? { rateDelta: 1000, rateLimit: opts.rateLimitPerSecond } : {}),
  } as never);
  const buffers = createMessageBuffers();
  return {
    async send(message) {
      try {
        assertSingleLine(message.to, 'to'); // before building anything
        const { buffer, raw } = buffers.fill(message);
        const info = (await transport.sendMail(toNodemailer(message, undefined, raw))) as { response: string };
        // Accepted: every byte was read. After a failure the buffer is left to the collector.
        buffers.release(buffer);
        return { messageId: message.messageId, response: info.response };
      } catch (err) {
        if (err instanceof MailSubmitError) throw err;
        const e = err as { responseCode?: number; response?: string; message?: string; command?: string };
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        const smtp = typeof e.responseCode === 'number' ? { code: e.responseCode, stage: stageOf(e.command) } : undefined;
        throw new MailSubmitError(e.message ?? String(err), permanent, e.response, smtp);
      }
    },
    close() {
      transport.close();
    },
  };
}
