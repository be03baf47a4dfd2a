/**
 * The Mailer for running without SMTP (Node only): each message is written, fully encoded,
 * as an `.eml` file in the outbox folder, ready to open in a mail client.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Log } from '../deps.js';
import type { Mailer } from '../email/mailer.js';
import { toNodemailer } from './smtp-mailer.js';

export function createOutboxMailer(dir: string, log: Log): Mailer {
  // The message is already CRLF throughout (raw-mime.ts); nodemailer passes it through.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const folder = resolve(dir);
  return {
    async send(message) {
      const info = (await transport.sendMail(toNodemailer(message))) as { message: Buffer };
      await mkdir(folder, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[^\w.-]/g, '')}.eml`;
      const path = join(folder, name);
      // Write then rename, so a reader of the folder never sees half a message.
      await writeFile(`${path}.tmp`, info.message);
      await rename(`${path}.tmp`, path);
      log.info('message written to outbox', { path, subject: message.subject });
      return { messageId: message.messageId, response: `written to ${path}` };
    },
  };
}
