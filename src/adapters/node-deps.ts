/** Builds the Node runtime's Deps once: SQLite file, SMTP or outbox, in-process sending. */
import { parseConfig, type Config } from '../config.js';
import { systemClock, type Deps } from '../deps.js';
import { sendDeliveries } from '../digests/send.js';
import type { Mailer } from '../email/mailer.js';
import { createMemoryFeedCache } from '../feeds/cache.js';
import { createUlids } from '../ids.js';
import { createConsoleLog } from '../log.js';
import { createHttpMailer } from './http-mailer.js';
import { createOutboxMailer } from './outbox-mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';
import { ensureDevSecrets } from './node-secrets.js';
import { openSqlite } from './sqlite.js';

/** `secretsFromFile`: which secrets came from the development secrets file, not the environment. */
export type NodeRuntime = { deps: Deps; config: Config; secretsFile: string; secretsFromFile: string[]; close(): Promise<void> };

export function createNodeRuntime(env: Record<string, string | undefined> = process.env): NodeRuntime {
  const { file: secretsFile, fromFile: secretsFromFile } = ensureDevSecrets(env);
  const config = parseConfig(env);
  const log = createConsoleLog(config.LOG_LEVEL);
  const { db, close } = openSqlite(config.DATABASE_PATH, { cacheMb: config.SQLITE_CACHE_MB, mmapMb: config.SQLITE_MMAP_MB });
  const mailer: Mailer = config.SMTP_URL
    ? createSmtpMailer({ url: config.SMTP_URL, maxConnections: config.SMTP_POOL_SIZE, rateLimitPerSecond: config.SMTP_RATE_PER_SECOND || undefined })
    : config.MAIL_API_URL && config.MAIL_API_KEY
      ? createHttpMailer({ url: config.MAIL_API_URL, apiKey: config.MAIL_API_KEY, fetch: (input, init) => fetch(input, init) })
      : createOutboxMailer(config.OUTBOX_DIR, log);
  // Enough deliveries in flight to keep every pooled connection busy while others are recorded.
  const concurrency = config.SMTP_URL || config.MAIL_API_URL ? config.SMTP_POOL_SIZE * 4 : 4;
  const pending = new Set<Promise<unknown>>();
  const deps: Deps = {
    db,
    mailer,
    clock: systemClock,
    ids: createUlids(systemClock),
    config,
    log,
    feedCache: createMemoryFeedCache(),
    fetch: (input, init) => fetch(input, init),
    // Large pages: the in-flight window drains once per page, and the edition is rendered once per page.
    dispatcher: { pageSize: 1000, dispatch: async (ids) => void (await sendDeliveries(deps, ids, { concurrency })) },
    defer(task) {
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((err) => log.error('background task failed', { error: String(err) }))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
  };
  return {
    deps,
    config,
    secretsFile,
    secretsFromFile,
    async close() {
      await Promise.allSettled([...pending]);
      await mailer.close?.();
      close();
    },
  };
}
