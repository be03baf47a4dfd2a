/** One scheduler tick: plan what is due, start reviewed editions, hand deliveries to a sender. */
import type { Deps } from '../deps.js';
import { completeEditions, openEditions, sendableDeliveries, startReviewedEditions } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { planDue } from './editions.js';
import type { Cadence } from './period.js';
import { reportStuckSends } from './stuck.js';

const DISPATCH_PAGE = 100;

export type TickOptions = {
  /** Every reader counts as due, whatever their hour and weekday (`nashra digest run`). */
  force?: boolean;
  cadences?: Cadence[];
};

/**
 * Safe to run any number of times, concurrently, out of order or after a gap: editions are
 * unique per cadence, period and segment, and a reader has one delivery per period. Returns
 * the editions it planned deliveries in or sent from.
 */
export async function runDigestTick(deps: Deps, now: Date, opts: TickOptions = {}): Promise<EditionRow[]> {
  const touched = new Map<string, EditionRow>();
  for (const cadence of opts.cadences ?? (['daily', 'weekly'] as const)) {
    for (const e of await planDue(deps, cadence, now, { force: opts.force })) touched.set(e.id, e);
  }
  await startReviewedEditions(deps.db, now);
  // Also picks up editions left open by an earlier tick or a crashed sender.
  const open = await openEditions(deps.db);
  for (const edition of open) {
    touched.set(edition.id, edition);
    await dispatchEdition(deps, edition, now);
  }
  // An edition with nothing left to send (or no readers at all) is done.
  await completeEditions(deps.db, open.map((e) => e.id), deps.clock.now());
  await reportStuckSends(deps, deps.clock.now());
  return [...touched.values()];
}

async function dispatchEdition(deps: Deps, edition: EditionRow, now: Date): Promise<void> {
  let after = '';
  for (;;) {
    const page = await sendableDeliveries(deps.db, edition.id, now, after, DISPATCH_PAGE);
    if (page.length === 0) return;
    await deps.dispatcher.dispatch(page.map((d) => d.id));
    after = (page[page.length - 1] as { subscriberId: string }).subscriberId;
  }
}
