/** Builds the Workers runtime's Deps from env bindings: D1, a Queue for deliveries, SMTP or a log. */
import { drizzle } from 'drizzle-orm/d1';
import { parseConfig, type Config } from '../config.js';
import { systemClock, type Deps } from '../deps.js';
import type { Mailer } from '../email/mailer.js';
import { createUlids } from '../ids.js';
import { createConsoleLog } from '../log.js';
import type { Db } from '../storage/db.js';
import { markQueued } from '../storage/editions.js';
import * as schema from '../storage/schema.js';
import { createCacheApiFeedCache } from './feed-cache-api.js';
import { createLogMailer, createUnconfiguredMailer } from './log-mailer.js';
import { createHttpMailer } from './http-mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';

export type WorkerEnv = {
  DB: D1Database;
  DELIVERIES: Queue<{ deliveryIds: string[] }>;
  [key: string]: unknown;
};

/**
 * Queues accept at most 100 messages per sendBatch; each message carries a page of ids. A
 * delivery costs the consumer about three D1 queries, and a consumer invocation (up to
 * max_batch_size = 10 messages) must stay under D1's 1,000 queries: 20 ids a message.
 */
const IDS_PER_MESSAGE = 20;
const MESSAGES_PER_BATCH = 100;
/**
 * Pages (2,000 deliveries each) one cron run hands to the Queue: with planning, well inside a
 * Worker invocation's 1,000 D1 queries. The next run dispatches the rest.
 */
const MAX_PAGES_PER_CRON = 150;

let cached: { env: WorkerEnv; config: Config; mailer: Mailer } | undefined;

export function createWorkerDeps(env: WorkerEnv, waitUntil: (p: Promise<unknown>) => void): Deps {
  if (!cached || cached.env !== env) {
    const config = parseConfig(env);
    const log = createConsoleLog(config.LOG_LEVEL);
    const mailer = config.SMTP_URL
      ? createSmtpMailer({ url: config.SMTP_URL, pool: false })
      : config.MAIL_API_URL && config.MAIL_API_KEY
        ? createHttpMailer({ url: config.MAIL_API_URL, apiKey: config.MAIL_API_KEY, fetch: (input, init) => fetch(input, init) })
        : config.MAIL_LOG_ONLY
          ? createLogMailer(log)
          : createUnconfiguredMailer(log);
    cached = { env, config, mailer };
  }
  const { config, mailer } = cached;
  const log = createConsoleLog(config.LOG_LEVEL);
  const db = drizzle(env.DB, { schema }) as unknown as Db;
  return {
    db,
    mailer,
    clock: systemClock,
    ids: createUlids(systemClock),
    config,
    log,
    // workers-types and the DOM lib disagree on CacheStorage; `default` is the Workers one.
    fetch: (input, init) => fetch(input, init),
    feedCache: createCacheApiFeedCache((caches as unknown as { default: Cache }).default),
    dispatcher: {
      // One sendBatch per page; each page costs a select, a sendBatch and an update.
      pageSize: IDS_PER_MESSAGE * MESSAGES_PER_BATCH,
      maxPagesPerTick: MAX_PAGES_PER_CRON,
      async dispatch(ids) {
        const messages = [];
        for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) messages.push({ body: { deliveryIds: ids.slice(i, i + IDS_PER_MESSAGE) } });
        for (let i = 0; i < messages.length; i += MESSAGES_PER_BATCH) await env.DELIVERIES.sendBatch(messages.slice(i, i + MESSAGES_PER_BATCH));
        // Queued once: the next cron leaves them to the Queue's own retries.
        await markQueued(db, ids, systemClock.now());
      },
    },
    defer: (task) => waitUntil(Promise.resolve().then(task).catch((err) => log.error('background task failed', { error: String(err) }))),
  };
}
