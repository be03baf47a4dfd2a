/** Reading the outbox folder the Node server writes when it has no SMTP server. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { waitFor } from './poll.js';

export type OutboxMail = { file: string; raw: Buffer; mail: ParsedMail };

/** Waits for a finished `.eml` file addressed to `address` in `dir` (which may not exist yet). */
export function waitForOutboxMail(dir: string, address: string, timeoutMs = 15_000): Promise<OutboxMail> {
  return waitFor(
    `an .eml file to ${address} in ${dir}`,
    async () => {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.eml')).sort();
      } catch {
        return undefined; // the server creates the folder on the first message
      }
      for (const name of names) {
        const raw = readFileSync(join(dir, name));
        const mail = await simpleParser(raw);
        if (mail.to && !Array.isArray(mail.to) && mail.to.value.some((a) => a.address === address)) return { file: join(dir, name), raw, mail };
      }
      return undefined;
    },
    { timeoutMs },
  );
}
