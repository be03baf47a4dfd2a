/** The Mailer for `wrangler dev` without SMTP_URL: logs what would have been sent. */
import type { Log } from '../deps.js';
import type { Mailer } from '../email/mailer.js';

export function createLogMailer(log: Log): Mailer {
  return {
    async send(message) {
      log.info('mail not sent (no SMTP_URL): logged instead', { subject: message.subject, messageId: message.messageId });
      return { messageId: message.messageId, response: 'logged (no SMTP_URL configured)' };
    },
  };
}
