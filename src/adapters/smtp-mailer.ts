/**
 * The Mailer over SMTP with nodemailer (pooled). Runs on Node and inside workerd (over
 * `node:net`; deployed Workers block port 25, so use 587 or 465). SMTP replies become
 * `MailSubmitError`s: 5xx permanent, everything else temporary, with the reply code and the
 * stage it answered (so a refused recipient can be told from a refused login).
 */
import nodemailer from 'nodemailer';
import { assertSingleLine, MailSubmitError, type MailMessage, type Mailer, type SmtpStage } from '../email/mailer.js';

export type SmtpOptions = { url: string; pool?: boolean; maxConnections?: number; rateLimitPerSecond?: number };

export function toNodemailer(m: MailMessage) {
  for (const [k, v] of Object.entries(m.headers ?? {})) assertSingleLine(v, k);
  assertSingleLine(m.to, 'to');
  assertSingleLine(m.subject, 'subject');
  const { headers, list } = splitListId(m.headers);
  return {
    from: m.from,
    to: m.to,
    replyTo: m.replyTo,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    headers,
    ...(list ? { list } : {}),
    textEncoding: 'base64' as const,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * `List-Id: phrase <id>` goes through nodemailer's `list` option: as a plain header, a
 * non-ASCII phrase makes nodemailer encode the whole value, `<id>` included, and no client can
 * read the list id any more (RFC 2919; RFC 2047 forbids encoded-words inside angle brackets).
 */
function splitListId(all: Record<string, string> = {}) {
  const key = Object.keys(all).find((k) => k.toLowerCase() === 'list-id');
  const parts = key ? /^(.*?)\s*<([^<>\s]+)>$/.exec(all[key] as string) : null;
  if (!key || !parts) return { headers: all, list: undefined };
  const { [key]: _listId, ...headers } = all;
  return { headers, list: { id: { url: parts[2] as string, comment: parts[1] || undefined } } };
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
  const transport = nodemailer.createTransport(opts.url, {
    pool: opts.pool ?? true,
    maxConnections: opts.maxConnections ?? 2,
    ...(opts.rateLimitPerSecond ? { rateDelta: 1000, rateLimit: opts.rateLimitPerSecond } : {}),
  } as never);
  return {
    async send(message) {
      try {
        const info = (await transport.sendMail(toNodemailer(message))) as { messageId: string; response: string };
        return { messageId: info.messageId, response: info.response };
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
