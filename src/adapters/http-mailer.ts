/**
 * The Mailer over an email provider's HTTP API, for Workers deployments that would rather not
 * hold SMTP connections: one JSON POST per message in the shape Resend, and others modelled on
 * it, accept (`from`, `to`, `subject`, `text`, `html`, `reply_to`, `headers`), with an
 * `Idempotency-Key` so a retried submission (after a crash or a lost reply) is sent once.
 * Replies: 2xx submitted; 408, 409 (the same key still in flight), 429 and 5xx temporary; any
 * other 4xx permanent (the provider refuses this message as it is).
 */
import { assertSingleLine, MailSubmitError, type MailMessage, type Mailer } from '../email/mailer.js';

export type HttpMailerOptions = { url: string; apiKey: string; fetch: typeof fetch };

export function httpMailBody(m: MailMessage) {
  for (const [k, v] of Object.entries(m.headers ?? {})) assertSingleLine(v, k);
  assertSingleLine(m.to, 'to');
  assertSingleLine(m.subject, 'subject');
  return {
    from: m.from,
    to: [m.to],
    subject: m.subject,
    text: m.text,
    html: m.html,
    ...(m.replyTo ? { reply_to: m.replyTo } : {}),
    headers: { ...m.headers, 'Message-ID': m.messageId },
  };
}

const TEMPORARY = new Set([408, 409, 425, 429]);

export function createHttpMailer(opts: HttpMailerOptions): Mailer {
  return {
    async send(message) {
      const body = JSON.stringify(httpMailBody(message)); // a header with a line break never leaves
      let res: Response;
      try {
        res = await opts.fetch(opts.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${opts.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': message.idempotencyKey ?? message.messageId,
          },
          body,
        });
      } catch (err) {
        throw new MailSubmitError(`mail API unreachable: ${err instanceof Error ? err.message : String(err)}`, false);
      }
      const text = (await res.text()).slice(0, 500);
      if (!res.ok) throw new MailSubmitError(`mail API answered ${res.status}`, res.status < 500 && !TEMPORARY.has(res.status), `${res.status} ${text}`);
      let id: unknown;
      try {
        id = (JSON.parse(text) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      return { messageId: message.messageId, response: `${res.status} ${typeof id === 'string' ? `id ${id}` : text}`.slice(0, 500) };
    },
  };
}
