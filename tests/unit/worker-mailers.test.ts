import { describe, expect, it } from 'vitest';
import { createLogMailer, createUnconfiguredMailer } from '../../src/adapters/log-mailer.js';
import { MailSubmitError, type MailMessage } from '../../src/email/mailer.js';
import type { Log } from '../../src/deps.js';

const message: MailMessage = { to: 'reader@example.com', from: 'n@x.test', subject: 'موضوع', text: 'رابط: https://x.test/confirm?token=abc', html: '<p>x</p>', messageId: '<m1@x.test>' };
const recordingLog = () => {
  const lines: Record<string, unknown>[] = [];
  const write = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, ...fields });
  const log: Log = { debug: write, info: write, warn: write, error: write };
  return { log, lines };
};

describe('mail on a Worker without SMTP_URL', () => {
  it('in local development, logs the message with its links and no address', async () => {
    const { log, lines } = recordingLog();
    await expect(createLogMailer(log).send(message)).resolves.toMatchObject({ messageId: '<m1@x.test>' });
    expect(JSON.stringify(lines)).toContain('https://x.test/confirm?token=abc');
    expect(JSON.stringify(lines)).not.toContain('reader@example.com');
  });

  it('deployed, refuses every message as a temporary failure, so nothing counts as sent', async () => {
    const { log } = recordingLog();
    const err = await createUnconfiguredMailer(log).send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSubmitError);
    expect((err as MailSubmitError).permanent).toBe(false);
  });
});
