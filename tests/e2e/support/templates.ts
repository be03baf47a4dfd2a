/** The Node entry imports compiled templates; build them when missing or older than a source. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export function ensureTemplatesCompiled(): void {
  const compiled = join(ROOT, 'src/email/compiled/templates.ts');
  const sources = readdirSync(join(ROOT, 'templates')).map((f) => statSync(join(ROOT, 'templates', f)).mtimeMs);
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= Math.max(...sources)) return;
  execFileSync(process.execPath, ['scripts/build-templates.mjs'], { cwd: ROOT, stdio: 'pipe' });
}
