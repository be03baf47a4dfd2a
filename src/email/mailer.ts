/**
 * The Mailer port: how the domain hands a finished message to whatever submits it (SMTP,
 * an outbox folder, an HTTP provider). Rendering never sends; sending never renders.
 */
export type MailMessage = {
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The same bodies as a template's fixed text and this message's own values, when they were
   * filled that way (a digest): they join to `text` and `html` exactly. An encoder may reuse
   * the encoded bytes of fixed text it has seen before instead of encoding all of it again.
   */
  parts?: { text: BodyParts; html: BodyParts };
  /** Our own Message-ID, `<id@domain>`; also the idempotency key for HTTP providers. */
  messageId: string;
  /** For HTTP providers: the same key on a retry means the same message (a delivery's id). */
  idempotencyKey?: string;
  /** Extra headers (List-Unsubscribe, ...). Values must already be single-line. */
  headers?: Record<string, string>;
};

/**
 * `fixed[0] + values[0] + fixed[1] + … + values[n - 1] + fixed[n]`. Every message of an
 * edition shares one `fixed` array (the same object), so it can key a cache of its encoding.
 */
export type BodyParts = { fixed: readonly string[]; values: readonly string[] };

/** The text `parts` stand for. */
export function joinParts(parts: BodyParts): string {
  let out = parts.fixed[0] ?? '';
  for (let i = 1; i < parts.fixed.length; i++) out += (parts.values[i - 1] as string) + (parts.fixed[i] as string);
  return out;
}

export type SubmitResult = {
  messageId: string;
  /** What the receiving side said, e.g. the SMTP `250 OK: queued as ...` line, or a file path. */
  response: string;
};

export interface Mailer {
  /**
   * Submits one message. Throws {@link MailSubmitError}: `permanent` for a rejection that
   * will not change on retry (SMTP 5xx), otherwise temporary (4xx, connection trouble).
   */
  send(message: MailMessage): Promise<SubmitResult>;
  close?(): Promise<void> | void;
}

/**
 * Where in the SMTP conversation a submission failed: talking to the server at all, logging
 * in, the sender (MAIL FROM), the recipient (RCPT TO), or the message (DATA and after it).
 * Only `recipient` and `data` can say something about the recipient's address.
 */
export type SmtpStage = 'connection' | 'auth' | 'sender' | 'recipient' | 'data';

/** What the SMTP server answered, when the failure was an SMTP reply. */
export type SmtpFailure = {
  /** The reply code, e.g. 550. */
  code: number;
  stage?: SmtpStage;
};

export class MailSubmitError extends Error {
  override readonly name = 'MailSubmitError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly response?: string,
    /** Set when an SMTP server refused the message; absent for local and connection failures. */
    readonly smtp?: SmtpFailure,
  ) {
    super(message);
  }
}

/** A Mailer that keeps messages in memory, for tests and previews. */
export function createMemoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { messageId: message.messageId, response: `250 stored in memory (#${sent.length})` };
    },
  };
}

/** Rejects any header value that could smuggle a second header line or body. */
export function assertSingleLine(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new MailSubmitError(`${field} contains a line break`, true);
  return value;
}
