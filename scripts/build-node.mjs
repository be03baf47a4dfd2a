#!/usr/bin/env node
// Bundles the Node entries (src/node.ts for `npm start`, src/cli.ts for `nashra`) into plain
// JavaScript in dist/, packages left as imports. Node then runs them without a TypeScript
// loader: tsx's loader runs in a thread of its own with its own V8 heap, about 45 MB of
// resident memory in a sending process, and every module is compiled again at each start.
// Run after build-templates.mjs: the entries import the compiled templates.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = await build({
  absWorkingDir: root,
  entryPoints: { node: 'src/node.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Stack traces point into the bundle; `node --enable-source-maps` maps them to src/.
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});
// A file is replaced only when its bytes change, and then whole (written aside, renamed over):
// a server or CLI starting while another build runs never reads half a bundle.
let written = 0;
for (const file of result.outputFiles) {
  let same = false;
  try {
    same = readFileSync(file.path).equals(file.contents);
  } catch {}
  if (same) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
  renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  written++;
}
console.error(`build: bundled src/node.ts and src/cli.ts into dist/ (${written} file(s) changed)`);
