/**
 * Development secrets for the Node entry: when ADMIN_TOKEN or SECRET_KEY is unset, one is
 * generated once and kept in a file beside the database (mode 0600), so links and tokens keep
 * working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function ensureDevSecrets(env: Record<string, string | undefined>): { file: string; fromFile: string[] } {
  const file = join(dirname(env.DATABASE_PATH || './data/nashra.db'), 'dev-secrets.json');
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const generated: string[] = [];
  const fromFile: string[] = [];
  for (const key of ['ADMIN_TOKEN', 'SECRET_KEY']) {
    if (env[key]) continue;
    if (!stored[key]) {
      stored[key] = randomBytes(32).toString('base64url');
      generated.push(key);
    }
    env[key] = stored[key];
    fromFile.push(key);
  }
  if (generated.length) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return { file, fromFile };
}
