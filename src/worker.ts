/**
 * Workers entry: HTTP (fetch), the schedule (Cron Triggers: digests, WebSub pings) and sending
 * (Queue consumer).
 */
import { createWorkerDeps, type WorkerEnv } from './adapters/worker-deps.js';
import { createApp } from './app.js';
import { runDigestTick } from './digests/schedule.js';
import { sendDeliveries } from './digests/send.js';
import { deliverDuePings } from './feeds/websub.js';
import { markQueued } from './storage/editions.js';
import { seedIfEmpty } from './seed/articles.js';
import { pruneOldRateLimits } from './subscribers/abuse.js';
import { pruneAppliedMailEvents } from './subscribers/mail-events.js';

let seeded: Promise<unknown> | undefined;

/** wrangler.toml: where the deliveries Queue puts messages it gave up on. */
const DEAD_LETTER_QUEUE = 'nashra-deliveries-dead';

/** Deliveries of one Queue message submitted at once (a Worker may hold six connections open). */
const CONSUMER_CONCURRENCY = 4;

/** The Cron Trigger that only sends WebSub pings (wrangler.toml); any other runs digests too. */
const PINGS_CRON = '* * * * *';

const app = createApp(async (c) => {
  const deps = createWorkerDeps(c.env as WorkerEnv, (p) => c.executionCtx.waitUntil(p));
  // Local development only (SEED=true in .dev.vars): the same sample articles as on Node.
  if (deps.config.SEED) seeded ??= seedIfEmpty(deps).catch((err) => deps.log.warn('seed skipped', { error: String(err) }));
  if (seeded) await seeded;
  return deps;
});

export default {
  fetch: app.fetch,

  // wrangler.toml: every minute for WebSub pings (scheduled articles go out on time), every
  // 15 minutes for digests as well, which read every confirmed subscriber once due, and for
  // pruning rate-limit counters and applied mail event ids.
  async scheduled(controller, env, ctx) {
    const deps = createWorkerDeps(env, (p) => ctx.waitUntil(p));
    const at = new Date(controller.scheduledTime);
    const jobs: [string, () => Promise<unknown>][] = [['websub delivery', () => deliverDuePings(deps, at)]];
    if (controller.cron !== PINGS_CRON) {
      jobs.push(['digest tick', () => runDigestTick(deps, at)]);
      jobs.push(['rate limit pruning', () => pruneOldRateLimits(deps, at)]);
      jobs.push(['mail event pruning', () => pruneAppliedMailEvents(deps, at)]);
    }
    // Each job runs whatever happens to the others.
    const results = await Promise.allSettled(jobs.map(([, job]) => job()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') deps.log.error(`${jobs[i]?.[0]} failed`, { error: r.reason instanceof Error ? (r.reason.stack ?? r.reason.message) : String(r.reason) });
    });
  },

  async queue(batch, env, ctx) {
    const deps = createWorkerDeps(env, (p) => ctx.waitUntil(p));
    if (batch.queue === DEAD_LETTER_QUEUE) {
      // The Queue gave up on these after max_retries. The deliveries keep their own state and
      // attempts; the cron enqueues any still sendable again after an hour. Say so loudly.
      for (const message of batch.messages) {
        deps.log.error('digest deliveries dead-lettered', { deliveryIds: message.body.deliveryIds, attempts: message.attempts });
        message.ack();
      }
      return;
    }
    for (const message of batch.messages) {
      try {
        const summary = await sendDeliveries(deps, message.body.deliveryIds, { concurrency: CONSUMER_CONCURRENCY });
        // Temporary failures went back to pending; ask the Queue to bring them round again, and
        // note it, so the cron leaves them to the Queue instead of enqueuing them a second time.
        if (summary.retry > 0) {
          await markQueued(deps.db, message.body.deliveryIds, deps.clock.now());
          message.retry({ delaySeconds: Math.min(60 * 2 ** message.attempts, 3600) });
        } else message.ack();
      } catch (err) {
        deps.log.error('delivery batch failed', { error: String(err), attempts: message.attempts });
        message.retry({ delaySeconds: Math.min(30 * 2 ** message.attempts, 3600) });
      }
    }
  },
} satisfies ExportedHandler<WorkerEnv, { deliveryIds: string[] }>;
