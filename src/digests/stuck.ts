/**
 * Finding sends that failed or stopped moving, and saying so loudly. The same detection
 * feeds the editions API (`stuck`, `problems`) and the error logged at the end of every
 * scheduler tick, so what an editor sees and what the logs say never disagree.
 */
import type { Deps } from '../deps.js';
import { openEditions } from '../storage/editions.js';
import { sendHealth, type HealthCutoffs, type SendHealth } from '../storage/editions-admin.js';

/** A lease that ran out this long ago, with nobody taking the delivery over, means the sending stopped. */
export const STALE_LEASE_MS = 15 * 60_000;
/** Pending deliveries due this long, in an edition nothing moved in lately, mean the sending stopped. */
export const OVERDUE_MS = 30 * 60_000;
/** An edition that submitted a message this recently is moving: its pending deliveries wait their turn. */
export const MOVING_MS = 15 * 60_000;

/** The instants `sendHealth` compares against, at `now`. */
export function healthCutoffs(now: Date): HealthCutoffs {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  return { now, leaseCutoff: ago(STALE_LEASE_MS), dueCutoff: ago(OVERDUE_MS), movingSince: ago(MOVING_MS) };
}

export type EditionProblems = {
  /** The sending stopped moving: a stale lease, or overdue pending deliveries. */
  stuck: boolean;
  /** Short English lines for editors and logs, e.g. `3 deliveries failed`. */
  problems: string[];
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const minutesSince = (then: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - then.getTime()) / 60_000));

/**
 * What is wrong with an edition, from its failed deliveries (`failed`, from its counts) and
 * its send health (undefined: nothing stalled). Failures alone are problems, not a stuck send.
 */
export function problemsOf(failed: number, health: SendHealth | undefined, now: Date): EditionProblems {
  const problems: string[] = [];
  if (failed > 0) problems.push(`${plural(failed, 'delivery', 'deliveries')} failed`);
  if (health?.staleLeases && health.oldestLeaseEnd) {
    problems.push(
      `${plural(health.staleLeases, 'delivery', 'deliveries')} held by a sender whose lease ran out ${minutesSince(health.oldestLeaseEnd, now)} minutes ago`,
    );
  }
  if (health?.overdue && health.oldestDue) {
    problems.push(`${plural(health.overdue, 'pending delivery', 'pending deliveries')} due for ${minutesSince(health.oldestDue, now)} minutes and not sent`);
  }
  return { stuck: Boolean(health?.staleLeases || health?.overdue), problems };
}

/**
 * Logs `digest send stuck` at error level, one line per edition that is sending and has failed
 * deliveries or deliveries that stopped moving (see `sendHealth`). Called at the end of every
 * scheduler tick; an edition stops being reported once it is sent, paused or cancelled.
 */
export async function reportStuckSends(deps: Pick<Deps, 'db' | 'log'>, now: Date): Promise<void> {
  const health = await sendHealth(deps.db, 'open', healthCutoffs(now));
  if (health.size === 0) return;
  for (const e of await openEditions(deps.db)) {
    const h = health.get(e.id);
    if (!h) continue;
    const { stuck, problems } = problemsOf(h.failed, h, now);
    deps.log.error('digest send stuck', {
      editionId: e.id,
      cadence: e.cadence,
      periodKey: e.periodKey,
      segmentKey: e.segmentKey,
      stuck,
      problems,
    });
  }
}
