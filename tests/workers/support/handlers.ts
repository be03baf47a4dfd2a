/**
 * Drives the worker's Cron and Queue handlers directly, with an env whose DELIVERIES Queue
 * records what it is given, so a test decides when (and how often) the consumer runs.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import type { WorkerEnv } from '../../../src/adapters/worker-deps.js';
import worker from '../../../src/worker.js';

export type DeliveryMessage = { deliveryIds: string[] };
export type RecordingEnv = WorkerEnv & { sent: DeliveryMessage[] };

/** The same cron string as wrangler.toml's trigger. */
const CRON = '*/15 * * * *';

/** The test bindings with a DELIVERIES Queue that only records; a new object, so fresh Deps. */
export function recordingEnv(): RecordingEnv {
  const sent: DeliveryMessage[] = [];
  const queue = {
    async send(body: DeliveryMessage) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>) {
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as Queue<DeliveryMessage>;
  return { ...env, DELIVERIES: queue, sent };
}

/** Runs the Cron Trigger handler as if it fired at `at`, and waits for its background work. */
export async function runCron(testEnv: RecordingEnv, at: string): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: CRON }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/** Hands `bodies` to the Queue consumer as one batch; returns how it acked or retried them. */
export async function runQueue(testEnv: RecordingEnv, bodies: DeliveryMessage[], queue = 'nashra-deliveries') {
  const ctx = createExecutionContext();
  const batch = createMessageBatch<DeliveryMessage>(
    queue,
    bodies.map((body, i) => ({ id: `message-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

/**
 * Fires the main module's Cron handler through the runtime, with the real bindings (so the
 * real DELIVERIES Queue). `scheduled` exists on the loopback binding but not in its types.
 */
export async function fireRealCron(at: string): Promise<void> {
  const main = exports.default as unknown as { scheduled(options: { scheduledTime: Date; cron: string }): Promise<unknown> };
  await main.scheduled({ scheduledTime: new Date(at), cron: CRON });
}
