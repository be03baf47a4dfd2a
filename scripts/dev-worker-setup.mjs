#!/usr/bin/env node
// Prepares `npm run dev:worker` (runs as its `predev` step): local secrets in .dev.vars, then
// the D1 migrations applied to wrangler's local database under .wrangler/. Fully offline: it
// needs neither a Cloudflare account nor the network.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const devVars = join(root, '.dev.vars');
const secret = () => randomBytes(32).toString('base64url'); // 43 characters

// 1. Secrets. An existing .dev.vars is the developer's: never overwrite it.
if (existsSync(devVars)) {
  console.log(`Using existing ${devVars}`);
  if (!/^MAIL_LOG_ONLY=/m.test(readFileSync(devVars, 'utf8'))) appendFileSync(devVars, 'MAIL_LOG_ONLY=true\n');
} else {
  const lines = [
    '# Local secrets for `npm run dev:worker` (git-ignored). Delete this file to get new ones.',
    `ADMIN_TOKEN=${secret()}`,
    `SECRET_KEY=${secret()}`,
    '# Seed the sample Arabic articles on the first request.',
    'SEED=true',
    '# No SMTP locally: log each message, text and links included, instead of sending it.',
    'MAIL_LOG_ONLY=true',
    '',
  ];
  writeFileSync(devVars, lines.join('\n'), { mode: 0o600 });
  console.log(`Wrote ${devVars}: the admin API token is its ADMIN_TOKEN line`);
  console.log('  (send it as "Authorization: Bearer <token>" to /api/admin/*).');
}

// 2. Migrations. The same SQL files in db/ that the Node entry applies, here to local D1.
// Run wrangler's own bin with this Node, so it works without a shell or PATH lookup.
const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
const result = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    CI: 'true', // no confirmation prompt
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  },
});
if (result.status !== 0) {
  console.error(`wrangler d1 migrations apply failed (${result.error?.message ?? `exit code ${result.status}`})`);
  process.exit(result.status || 1);
}
