/**
 * The `nashra` command line (Node): migrate, seed, run and watch digests, import and export subscribers,
 * manage partners, show the admin token. Uses the same settings as `npm start` (environment variables, see README).
 */
import { parseArgs } from 'node:util';
import { createNodeRuntime } from './adapters/node-deps.js';
import { DIGEST_OPTIONS, DIGEST_USAGE, runDigestCli } from './cli-digest.js';
import { exportSubscribers, importSubscribersFile, SUBSCRIBER_OPTIONS } from './cli-subscribers.js';
import { createFixedClock, type Deps } from './deps.js';
import type { Cadence } from './digests/period.js';
import { runDigestTick } from './digests/schedule.js';
import { PARTNER_USAGE, runPartnerCli } from './partners/cli.js';
import { seedIfEmpty } from './seed/articles.js';
import { deliveryCountsOf } from './storage/editions-admin.js';

const USAGE = `Usage: nashra <command> [options]

Commands:
  migrate                      create or upgrade the database (DATABASE_PATH)
  seed                         add the sample Arabic articles if there are none
  digest run [--now <ISO time>] [--cadence daily|weekly]
                               plan this period's digest now (whatever the hour) and send it
${DIGEST_USAGE}
  subscribers import <file.csv> [--dry-run] [--consent-note <where they opted in>]
                               add the file's readers as confirmed subscribers (nothing is
                               sent); columns: email (required), name, frequency, locale,
                               timezone, preferred_hour, preferred_weekday, consent_at,
                               consent_ip, consent_source, status, suppressed_at
  subscribers export [--status …] [--frequency …] [--locale …] [--source …]
                     [--suppressed true|false] [--q <text>]  > subscribers.csv
                               write subscribers as CSV (UTF-8, every column) to stdout
${PARTNER_USAGE}
  admin-token                  print the admin token for the API
  help                         show this help`;

export async function runCli(argv: string[]): Promise<number> {
  // Partner commands parse their own options (parseArgs below is strict about unknown ones).
  if (argv[0] === 'partner') return runPartnerCli(argv.slice(1), () => createNodeRuntime());
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { now: { type: 'string' }, cadence: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...SUBSCRIBER_OPTIONS, ...DIGEST_OPTIONS },
  });
  const [command, sub] = positionals;
  if (!command || command === 'help' || values.help) {
    console.log(USAGE);
    return 0;
  }
  const runtime = createNodeRuntime();
  try {
    switch (command) {
      case 'migrate':
        console.log(`database ready: ${runtime.config.DATABASE_PATH}`);
        return 0;
      case 'seed':
        console.log(`added ${await seedIfEmpty(runtime.deps)} sample article(s)`);
        return 0;
      case 'admin-token':
        console.log(runtime.config.ADMIN_TOKEN);
        return 0;
      case 'digest': {
        if (sub === 'run') return await digestRun(runtime.deps, values.now, values.cadence);
        const code = await runDigestCli(runtime.deps, positionals.slice(1), values);
        if (code !== undefined) return code;
        break;
      }
      case 'subscribers':
        if (sub === 'import' && positionals.length === 3) return await importSubscribersFile(runtime.deps, positionals[2] as string, values);
        if (sub === 'export' && positionals.length === 2) return await exportSubscribers(runtime.deps, values);
        break;
    }
    console.error(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 2;
  } finally {
    await runtime.close();
  }
}

async function digestRun(deps: Deps, nowArg: string | undefined, cadenceArg: string | undefined): Promise<number> {
  const now = nowArg ? new Date(nowArg) : deps.clock.now();
  if (Number.isNaN(now.getTime())) {
    console.error(`--now must be an ISO time such as 2026-11-29T07:00:00Z, not "${nowArg}"`);
    return 2;
  }
  // A window ending in the future would swallow the pieces of every edition until then.
  if (now.getTime() > deps.clock.now().getTime() + 60_000) {
    console.error('--now cannot be in the future');
    return 2;
  }
  if (cadenceArg && cadenceArg !== 'daily' && cadenceArg !== 'weekly') {
    console.error('--cadence must be daily or weekly');
    return 2;
  }
  const runDeps: Deps = nowArg ? { ...deps, clock: createFixedClock(now) } : deps;
  const editions = await runDigestTick(runDeps, now, { force: true, cadences: cadenceArg ? [cadenceArg as Cadence] : undefined });
  const counts = await deliveryCountsOf(deps.db, editions.map((e) => e.id));
  for (const e of editions) {
    const parts = Object.entries(counts.get(e.id) ?? {}).filter(([status, n]) => status !== 'total' && n > 0).sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status} ${n}`);
    console.log(`${e.cadence} ${e.periodKey}: ${e.status === 'skipped' ? 'skipped (nothing new)' : parts.join(', ') || 'no subscribers'}`);
  }
  return 0;
}

// `npm run nashra -- …` runs this file directly; the `nashra` bin imports runCli.
if (process.argv[1]?.endsWith('cli.ts')) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
