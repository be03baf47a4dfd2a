/**
 * Node entry, the embedded default: SQLite file, SMTP or an outbox folder, an in-process
 * scheduler (digests, WebSub pings, housekeeping). `npm start`.
 */
import { serve } from '@hono/node-server';
import { resolve } from 'node:path';
import { createNodeRuntime } from './adapters/node-deps.js';
import { createApp } from './app.js';
import { dispatchDigests, planDigests } from './digests/schedule.js';
import { deliverDuePings } from './feeds/websub.js';
import { seedIfEmpty } from './seed/articles.js';
import { pruneOldRateLimits } from './subscribers/abuse.js';
import { pruneAppliedMailEvents } from './subscribers/mail-events.js';

const TICK_MS = 60_000;

async function main(): Promise<void> {
  let runtime;
  try {
    runtime = createNodeRuntime();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const { deps, config, secretsFile, secretsFromFile } = runtime;
  if (config.SEED) {
    const added = await seedIfEmpty(deps);
    if (added) deps.log.info('seeded sample articles', { count: added });
  }
  const app = createApp(() => deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const url = `http://${config.HOST}:${info.port}`;
    console.log(
      [
        `Nashra is running at ${url}  (public URL: ${config.PUBLIC_URL})`,
        `  feeds:     ${url}/feed.rss  ${url}/feed.atom  ${url}/feed.json`,
        `  database:  ${resolve(config.DATABASE_PATH)}`,
        `  mail:      ${config.SMTP_URL ? `SMTP ${new URL(config.SMTP_URL).host}` : `outbox folder ${resolve(config.OUTBOX_DIR)}`}`,
        `  admin:     ${secretsFromFile.includes('ADMIN_TOKEN') ? `development token in ${resolve(secretsFile)} ("ADMIN_TOKEN"), or set ADMIN_TOKEN` : 'the ADMIN_TOKEN you set'}`,
        `  digests:   ${config.SCHEDULER ? `from ${String(config.DIGEST_HOUR).padStart(2, '0')}:00 ${config.DIGEST_TIMEZONE}, daily and on ISO weekday ${config.DIGEST_WEEKDAY} for weekly` : 'scheduler off'}`,
      ].join('\n'),
    );
  });

  const job = (name: string, run: () => Promise<unknown>) =>
    run().then(
      () => undefined,
      (err) => deps.log.error(`${name} failed`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  let ticking: Promise<void> | undefined;
  let sending: Promise<void> | undefined;
  const tick = () => {
    // Never overlap; the next tick catches up. Each job runs whatever happens to the others.
    const now = deps.clock.now();
    ticking ??= Promise.all([
      job('digest planning', () => planDigests(deps, now)),
      job('websub delivery', () => deliverDuePings(deps, now)),
      job('rate limit pruning', () => pruneOldRateLimits(deps, now)),
      job('mail event pruning', () => pruneAppliedMailEvents(deps, now)),
    ])
      .then(() => undefined)
      .finally(() => {
        ticking = undefined;
        // Sending runs beside the next ticks: a long send never holds up another reader's hour.
        sending ??= job('digest sending', () => dispatchDigests(deps, deps.clock.now())).finally(() => {
          sending = undefined;
        });
      });
    return ticking;
  };
  const timer = config.SCHEDULER ? setInterval(tick, TICK_MS) : undefined;
  if (config.SCHEDULER) void tick();

  const shutdown = async (signal: string) => {
    deps.log.info('shutting down', { signal });
    if (timer) clearInterval(timer);
    server.close();
    await ticking; // let a send in progress record its outcome before the database closes
    await sending;
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
