/**
 * Planning editions. An edition is one digest for one cadence and period; planning is
 * idempotent (the `(cadence, period)` key is unique), so duplicate or overlapping ticks never
 * make two, and re-planning an open edition only adds deliveries that are missing.
 */
import type { Deps } from '../deps.js';
import { latestPublished } from '../storage/articles.js';
import { createDeliveries, findEdition, insertEditionOnce, latestEdition, reopenEdition } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { periodKey, type Cadence } from './period.js';

/**
 * Returns the edition of the period containing `now`, creating it when it does not exist:
 * the commentary pieces published since the previous edition's window (newest first, at most
 * DIGEST_MAX_ITEMS), or `skipped` when there are none. Subscribers confirmed after an edition
 * was planned receive it at the next tick, as long as its period lasts.
 */
export async function planEdition(deps: Pick<Deps, 'db' | 'ids' | 'config'>, cadence: Cadence, now: Date): Promise<EditionRow> {
  const { db, ids, config } = deps;
  const key = periodKey(cadence, now, config.DIGEST_TIMEZONE);
  let edition = await findEdition(db, cadence, key);
  if (!edition) {
    const previous = await latestEdition(db, cadence);
    const windowStart = previous?.windowEnd ?? null;
    const pieces = await latestPublished(db, config.DIGEST_MAX_ITEMS, {
      commentaryOnly: true,
      after: windowStart ?? undefined,
      until: now,
    });
    edition = await insertEditionOnce(db, {
      id: ids.next(),
      cadence,
      periodKey: key,
      status: pieces.length ? 'sending' : 'skipped',
      windowStart,
      windowEnd: now,
      articleIds: JSON.stringify(pieces.map((a) => a.id)),
      createdAt: now,
      completedAt: pieces.length ? null : now,
    });
  }
  // Readers confirmed since the edition was planned get it too (once: deliveries are unique).
  if (edition.status !== 'skipped' && (await createDeliveries(db, edition, now)) > 0 && edition.status === 'sent') {
    await reopenEdition(db, edition.id);
    edition = { ...edition, status: 'sending', completedAt: null };
  }
  return edition;
}
