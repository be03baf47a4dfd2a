/**
 * The per-recipient part of composing a digest, timed stage by stage on real reader rows with
 * the edition rendered once: the two signed links (`digestLinks`), the recipient's slots
 * (`renderDigestFor`) and the message with its list headers (`digestMessage`), the stages of
 * `composeDigestMessage`. The message's bytes as the SMTP mailer builds them
 * (`buildRawMessage`) are timed apart: a diagnostic, not part of the target.
 */
import { buildRawMessage } from '../src/adapters/raw-mime.js';
import { openSqlite } from '../src/adapters/sqlite.js';
import { createFixedClock } from '../src/deps.js';
import { digestLinks, digestMessage } from '../src/digests/send.js';
import { renderDigestFor } from '../src/email/digest.js';
import { createUlids } from '../src/ids.js';
import type { SubscriberRow } from '../src/storage/schema.js';
import { subscribers } from '../src/storage/schema.js';
import { benchConfig, renderBenchEdition } from './digest-message.js';
import { summarize, type Summary } from './stats.js';

const WARMUP = 500;

export type RecipientCost = {
  recipients: number;
  /** Reading the pieces and rendering the edition once (`editionContent` + `renderDigestContent`), ms. */
  editionMs: number;
  htmlBytes: number;
  textBytes: number;
  tokens: Summary;
  body: Summary;
  message: Summary;
  /** tokens + body + message, per recipient. */
  total: Summary;
  /** The message's bytes (`buildRawMessage`), per recipient. */
  raw: Summary;
};

/** Times `m` recipients (at most the readers in the database) of one edition at `now`. */
export async function measureRecipientCost(dbPath: string, now: Date, m: number): Promise<RecipientCost> {
  const { db, close } = openSqlite(dbPath);
  try {
    const config = benchConfig(dbPath);
    const t0 = performance.now();
    const { edition, digest } = await renderBenchEdition({ db, config, ids: createUlids(createFixedClock(now)) }, now);
    const editionMs = performance.now() - t0;
    const readers = (await db.select().from(subscribers).limit(m).all()) as SubscriberRow[];
    const times = { tokens: [] as number[], body: [] as number[], message: [] as number[], total: [] as number[], raw: [] as number[] };
    let htmlBytes = 0;
    let textBytes = 0;
    for (let i = -WARMUP; i < readers.length; i++) {
      const s = readers[Math.max(0, i) % readers.length] as SubscriberRow;
      const a = performance.now();
      const delivery = { id: `${edition.id}-${s.id}`, editionId: edition.id, createdAt: now };
      const links = await digestLinks(config, s.id, delivery.createdAt);
      const b = performance.now();
      const body = renderDigestFor(digest, { email: s.email, name: s.name, frequency: s.frequency, ...links });
      const c = performance.now();
      const msg = digestMessage(config, delivery, s, digest, body, links);
      const d = performance.now();
      buildRawMessage(msg, now);
      const e = performance.now();
      htmlBytes = Buffer.byteLength(msg.html, 'utf8');
      textBytes = Buffer.byteLength(msg.text, 'utf8');
      if (i < 0) continue;
      times.tokens.push(b - a);
      times.body.push(c - b);
      times.message.push(d - c);
      times.total.push(d - a);
      times.raw.push(e - d);
    }
    return {
      recipients: readers.length, editionMs, htmlBytes, textBytes,
      tokens: summarize(times.tokens), body: summarize(times.body), message: summarize(times.message),
      total: summarize(times.total), raw: summarize(times.raw),
    };
  } finally {
    close();
  }
}
