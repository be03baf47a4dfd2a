/**
 * The Mailer over SMTP with nodemailer (pooled). Runs on Node and inside workerd (over
 * `node:net`; deployed Workers block port 25, so use 587 or 465). SMTP replies become
 * `MailSubmitError`s: 5xx permanent, everything else temporary, with the reply code and the
 * stage it answered (so a refused recipient can be told from a refused login).
 */
import nodemailer from 'nodemailer';
import { assertSingleLine, MailSubmitError, type MailMessage, type Mailer, type SmtpStage } from '../email/mailer.js';
import { addressOf, buildRawMessage } from './raw-mime.js';

export type SmtpOptions = { url: string; pool?: boolean; maxConnections?: number; rateLimitPerSecond?: number };

/**
 * What nodemailer sends: our own bytes (`raw-mime.ts`) and the envelope. nodemailer adds
 * nothing to a raw message; it only talks SMTP. Throws `MailSubmitError` (permanent) for a
 * header value with a line break, before anything is sent.
 */
export function toNodemailer(m: MailMessage, date = new Date()) {
  assertSingleLine(m.to, 'to');
  return {
    envelope: { from: addressOf(m.from), to: [addressOf(m.to)] },
    raw: buildRawMessage(m, date),
    messageId: m.messageId,
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
  return {
    async send(message) {
      try {
        const info = (await transport.sendMail(toNodemailer(message))) as { response: string };
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
