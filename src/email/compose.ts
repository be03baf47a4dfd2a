/** Pieces every outgoing message shares: sender, our Message-ID domain. */
import type { Config } from '../config.js';

/** `<id@host>` on the host of PUBLIC_URL, so replies and bounces can be traced to a delivery. */
export function messageIdFor(config: Pick<Config, 'PUBLIC_URL'>, id: string): string {
  return `<${id.toLowerCase()}@${new URL(config.PUBLIC_URL).hostname}>`;
}

export function senderFields(config: Pick<Config, 'MAIL_FROM' | 'MAIL_REPLY_TO'>) {
  return config.MAIL_REPLY_TO ? { from: config.MAIL_FROM, replyTo: config.MAIL_REPLY_TO } : { from: config.MAIL_FROM };
}
