/**
 * vitest globalSetup for the e2e project: builds what the processes under test run, as
 * `npm run build` does (compiled templates, then the Node entries bundled into dist/), once
 * before any test file, so a test never runs a stale build of the sources it sits next to.
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from './paths.js';

export default function setup(): void {
  for (const script of ['scripts/build-templates.mjs', 'scripts/build-node.mjs']) {
    execFileSync(process.execPath, [script], { cwd: ROOT, stdio: 'pipe' });
  }
}
