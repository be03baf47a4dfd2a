/**
 * The scheduler's digest work, in two parts that may run at their own pace: planning (what is
 * due, and starting reviewed editions) and dispatching (handing open editions' deliveries to a
 * sender). A Cron Trigger or `nashra digest run` does both in turn; on Node the sending runs
 * beside the next ticks, so a long send never delays another reader's hour.
 */
import type { Deps } from '../deps.js';
import { completeEditions, openEditions, sendableDeliveries, startReviewedEditions } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { planDue } from './editions.js';
import type { Cadence } from './period.js';
import { reportStuckSends } from './stuck.js';

const DEFAULT_PAGE = 100;

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
  const touched = new Map((await planDigests(deps, now, opts)).map((e) => [e.id, e]));
  for (const e of await dispatchDigests(deps, now)) touched.set(e.id, e);
  return [...touched.values()];
}

/** Plans what is due at `now` and starts editions whose review window has closed. */
export async function planDigests(deps: Deps, now: Date, opts: TickOptions = {}): Promise<EditionRow[]> {
  const planned: EditionRow[] = [];
  for (const cadence of opts.cadences ?? (['daily', 'weekly'] as const)) planned.push(...(await planDue(deps, cadence, now, { force: opts.force })));
  await startReviewedEditions(deps.db, now);
  return planned;
}

/**
 * Hands the sendable deliveries of every open edition (including those left by an earlier
 * tick or a crashed sender) to the dispatcher, marks editions with nothing left as sent, and
 * reports stuck sends. Returns the open editions.
 */
export async function dispatchDigests(deps: Deps, now: Date): Promise<EditionRow[]> {
  const open = await openEditions(deps.db);
  let budget = deps.dispatcher.maxPagesPerTick ?? Number.POSITIVE_INFINITY;
  for (const edition of open) {
    if (budget <= 0) break;
    budget -= await dispatchEdition(deps, edition, now, budget);
  }
  // An edition with nothing left to send (or no readers at all) is done.
  await completeEditions(deps.db, open.map((e) => e.id), deps.clock.now());
  await reportStuckSends(deps, deps.clock.now());
  return open;
}

/** Dispatches up to `maxPages` pages of the edition's sendable deliveries; returns how many it used. */
async function dispatchEdition(deps: Deps, edition: EditionRow, now: Date, maxPages: number): Promise<number> {
  const size = deps.dispatcher.pageSize ?? DEFAULT_PAGE;
  let after = '';
  let pages = 0;
  while (pages < maxPages) {
    const page = await sendableDeliveries(deps.db, edition.id, now, after, size);
    if (page.length === 0) break;
    await deps.dispatcher.dispatch(page.map((d) => d.id));
    pages++;
    after = (page[page.length - 1] as { subscriberId: string }).subscriberId;
  }
  return pages;
}
