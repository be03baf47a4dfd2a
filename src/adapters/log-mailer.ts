/**
 * The Mailers of a Worker without SMTP_URL. In local development (MAIL_LOG_ONLY=true) each
 * message is logged with its text part, so a confirmation link can be followed; deployed,
 * every submission fails as temporary, so nothing is recorded as sent that was not, and the
 * deliveries wait for SMTP_URL to be set.
 */
import type { Log } from '../deps.js';
import { MailSubmitError, type Mailer } from '../email/mailer.js';

export function createLogMailer(log: Log): Mailer {
  return {
    async send(message) {
      log.info('mail not sent (MAIL_LOG_ONLY): logged instead', { subject: message.subject, messageId: message.messageId, text: message.text });
      return { messageId: message.messageId, response: 'logged (no SMTP_URL configured)' };
    },
  };
}

export function createUnconfiguredMailer(log: Log): Mailer {
  return {
    async send(message) {
      log.error('mail not sent: SMTP_URL is not set', { messageId: message.messageId });
      throw new MailSubmitError('SMTP_URL is not set: set it, or MAIL_LOG_ONLY=true for local development', false);
    },
  };
}
