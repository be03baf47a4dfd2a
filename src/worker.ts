/**
 * Workers entry: HTTP (fetch), the digest schedule (Cron Trigger) and sending (Queue consumer).
 */
import { createWorkerDeps, type WorkerEnv } from './adapters/worker-deps.js';
import { createApp } from './app.js';
import { runDigestTick } from './digests/schedule.js';
import { sendDeliveries } from './digests/send.js';
import { seedIfEmpty } from './seed/articles.js';

let seeded: Promise<unknown> | undefined;

const app = createApp(async (c) => {
  const deps = createWorkerDeps(c.env as WorkerEnv, (p) => c.executionCtx.waitUntil(p));
  // Local development only (SEED=true in .dev.vars): the same sample articles as on Node.
  if (deps.config.SEED) seeded ??= seedIfEmpty(deps).catch((err) => deps.log.warn('seed skipped', { error: String(err) }));
  if (seeded) await seeded;
  return deps;
});

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    const deps = createWorkerDeps(env, (p) => ctx.waitUntil(p));
    await runDigestTick(deps, new Date(controller.scheduledTime));
  },

  async queue(batch, env, ctx) {
    const deps = createWorkerDeps(env, (p) => ctx.waitUntil(p));
    for (const message of batch.messages) {
      try {
        const summary = await sendDeliveries(deps, message.body.deliveryIds);
        // Temporary failures went back to pending; ask the Queue to bring them round again.
        if (summary.retry > 0) message.retry({ delaySeconds: Math.min(60 * 2 ** message.attempts, 3600) });
        else message.ack();
      } catch (err) {
        deps.log.error('delivery batch failed', { error: String(err), attempts: message.attempts });
        message.retry({ delaySeconds: Math.min(30 * 2 ** message.attempts, 3600) });
      }
    }
  },
} satisfies ExportedHandler<WorkerEnv, { deliveryIds: string[] }>;
