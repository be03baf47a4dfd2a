/** One scheduler tick: plan the editions that are due, then hand their deliveries to a sender. */
import type { Deps } from '../deps.js';
import { completeEditions, openEditions, sendableDeliveryIds } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { planEdition } from './editions.js';
import { isDue, type Cadence } from './period.js';

const DISPATCH_PAGE = 100;

export type TickOptions = {
  /** Plan regardless of the configured hour and weekday (`nashra digest run`). */
  force?: boolean;
  cadences?: Cadence[];
};

/**
 * Safe to run any number of times, concurrently or after a gap: editions are unique per
 * period and deliveries unique per edition and subscriber. Returns the editions it touched.
 */
export async function runDigestTick(deps: Deps, now: Date, opts: TickOptions = {}): Promise<EditionRow[]> {
  const { config } = deps;
  const planned: EditionRow[] = [];
  for (const cadence of opts.cadences ?? (['daily', 'weekly'] as const)) {
    const due = opts.force || isDue(cadence, now, { timeZone: config.DIGEST_TIMEZONE, hour: config.DIGEST_HOUR, weekday: config.DIGEST_WEEKDAY });
    if (due) planned.push(await planEdition(deps, cadence, now));
  }
  // Also pick up editions left open by an earlier tick or a crashed sender.
  const open = await openEditions(deps.db);
  for (const edition of open) {
    if (!planned.some((e) => e.id === edition.id)) planned.push(edition);
    await dispatchEdition(deps, edition, now);
  }
  // An edition with nothing left to send (or no subscribers at all) is done.
  await completeEditions(deps.db, open.map((e) => e.id), deps.clock.now());
  return planned;
}

async function dispatchEdition(deps: Deps, edition: EditionRow, now: Date): Promise<void> {
  let after = '';
  for (;;) {
    const ids = await sendableDeliveryIds(deps.db, edition.id, now, after, DISPATCH_PAGE);
    if (ids.length === 0) return;
    await deps.dispatcher.dispatch(ids);
    after = ids[ids.length - 1] as string;
  }
}
