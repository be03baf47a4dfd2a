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
  const headers = splitListId(m.headers);
  return {
    from: m.from,
    to: m.to,
    replyTo: m.replyTo,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    headers,
    textEncoding: 'base64' as const,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * `List-Id: phrase <id>` is written here as a prepared header. Left to nodemailer, a plain
 * header with a non-ASCII phrase has the whole value encoded, `<id>` included, so no client can
 * read the list id (RFC 2919; RFC 2047 forbids encoded-words inside angle brackets), and its
 * `list` option encodes the phrase as one encoded-word however long, past RFC 2047's 75
 * characters (an Arabic site name of 20 letters makes 122).
 */
function splitListId(all: Record<string, string> = {}): Record<string, string | { prepared: true; foldLines: true; value: string }> {
  const key = Object.keys(all).find((k) => k.toLowerCase() === 'list-id');
  const parts = key ? /^(.*?)\s*<([^<>\s]+)>$/.exec(all[key] as string) : null;
  if (!key || !parts) return all;
  const { [key]: _listId, ...headers } = all;
  const phrase = parts[1] ? `${headerPhrase(parts[1])} ` : '';
  return { ...headers, 'List-ID': { prepared: true, foldLines: true, value: `${phrase}<${parts[2]}>` } };
}

/**
 * A display phrase for a header: a quoted string when it is printable ASCII, otherwise RFC 2047
 * B encoded-words of at most 75 characters, each holding whole UTF-8 characters (§2, §5).
 */
export function headerPhrase(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `"${text.replace(/["\\]/g, '\\$&')}"`;
  const encoder = new TextEncoder();
  const words: string[] = [];
  let bytes: number[] = [];
  for (const ch of text) {
    const encoded = encoder.encode(ch);
    // 45 bytes make 60 base64 characters: `=?UTF-8?B?` + 60 + `?=` is 72.
    if (bytes.length + encoded.length > 45) {
      words.push(encodedWord(bytes));
      bytes = [];
    }
    bytes.push(...encoded);
  }
  if (bytes.length) words.push(encodedWord(bytes));
  return words.join(' ');
}

const encodedWord = (bytes: number[]) => `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;

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
