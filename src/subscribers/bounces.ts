/**
 * Which mail failures say something about the recipient's address, and how firmly: a *hard*
 * bounce (the mailbox does not exist or is disabled) suppresses the address at once; a *soft*
 * bounce (mailbox full, the domain's server keeps deferring) counts towards suppression. A
 * failure that is about us (login, our sender address, message size or content, policy and
 * reputation blocks, protocol errors) is neither: suppressing a reader for it would lose them
 * for a problem they did not cause.
 *
 * Decided by the RFC 3463 enhanced status code when there is one (`5.1.1`), else by the basic
 * SMTP reply code and the stage it answered.
 */
import type { SmtpStage } from '../email/mailer.js';

export type BounceKind = 'hard' | 'soft';

export type EnhancedStatus = { klass: 2 | 4 | 5; subject: number; detail: number };

/** Reads `4.2.2`-style status codes (a DSN's `Status:` field, or the start of an SMTP reply text). */
export function parseEnhancedStatus(text: string): EnhancedStatus | undefined {
  const m = /^\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/.exec(text);
  if (!m) return undefined;
  return { klass: Number(m[1]) as 2 | 4 | 5, subject: Number(m[2]), detail: Number(m[3]) };
}

/**
 * The kind of bounce an enhanced status code stands for, or undefined when it is not about the
 * recipient's address. By subject (RFC 3463 §3):
 * - X.0 other, X.1 addressing (but not X.1.7/X.1.8, our sender address), X.2 mailbox
 *   (but not X.2.3, message too long): hard when permanent, soft when temporary; 5.2.2
 *   (mailbox full) is soft.
 * - X.4 network and routing: 5.4.4 (no such domain or route) is hard, the rest soft.
 * - X.3 mail system, X.5 protocol, X.6 content, X.7 security and policy: about us, none.
 */
export function bounceKindOfStatus(s: EnhancedStatus): BounceKind | undefined {
  if (s.klass === 2) return undefined;
  const permanent = s.klass === 5;
  switch (s.subject) {
    case 0:
      return permanent ? 'hard' : 'soft';
    case 1:
      if (s.detail === 7 || s.detail === 8) return undefined;
      return permanent ? 'hard' : 'soft';
    case 2:
      if (s.detail === 3) return undefined;
      return permanent && s.detail !== 2 ? 'hard' : 'soft';
    case 4:
      return permanent && s.detail === 4 ? 'hard' : 'soft';
    default:
      return undefined;
  }
}

/**
 * The kind of bounce an SMTP reply to our submission stands for, or undefined when it is not
 * about the recipient. Only replies to RCPT TO and to DATA (or the message after it) count,
 * never those to the connection, the login or MAIL FROM, and never 421 (the server is closing
 * the connection, whoever the recipient). With an enhanced status code in the reply text, that
 * decides ({@link bounceKindOfStatus}). Without one:
 * - at RCPT TO, 550, 551 and 553 (no such mailbox, not local, mailbox name not allowed) are
 *   hard; 552 (storage exceeded) and 450, 451, 452 are soft; anything else is about us;
 * - at DATA, a bare code cannot tell a refused recipient from a refused message: none.
 */
export function bounceKindOfSmtpReply(code: number, response: string | undefined, stage: SmtpStage | undefined): BounceKind | undefined {
  if (stage !== 'recipient' && stage !== 'data') return undefined;
  if (code === 421) return undefined;
  const text = (response ?? '').replace(/^\d{3}[ -]?/, '');
  const status = parseEnhancedStatus(text);
  if (status && status.klass === Math.floor(code / 100)) return bounceKindOfStatus(status);
  if (stage === 'data') return undefined;
  if ([550, 551, 553].includes(code)) return 'hard';
  if ([450, 451, 452, 552].includes(code)) return 'soft';
  return undefined;
}
