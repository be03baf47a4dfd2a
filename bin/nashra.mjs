#!/usr/bin/env node
// The `nashra` command: runs the CLI bundled by `npm run build` (dist/cli.mjs).
let cli;
try {
  cli = await import('../dist/cli.mjs');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  console.error('nashra: not built yet; run `npm run build` first.');
  process.exit(1);
}
try {
  process.exit(await cli.runCli(process.argv.slice(2)));
} catch (err) {
  console.error(`nashra: ${err?.message ?? err}`);
  process.exit(1);
}
