/** The Node entry imports built templates; build them when missing or older than a source. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** Everything scripts/build-templates.mjs writes. */
const OUTPUTS = ['src/email/compiled/templates.ts', 'src/feeds/compiled/stylesheet.ts'];

export function ensureTemplatesCompiled(): void {
  const sources = readdirSync(join(ROOT, 'templates')).map((f) => statSync(join(ROOT, 'templates', f)).mtimeMs);
  const newest = Math.max(...sources);
  const fresh = (file: string) => existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).mtimeMs >= newest;
  if (OUTPUTS.every(fresh)) return;
  execFileSync(process.execPath, ['scripts/build-templates.mjs'], { cwd: ROOT, stdio: 'pipe' });
}
