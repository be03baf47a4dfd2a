#!/usr/bin/env node
// The `nashra` command: runs src/cli.ts through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
try {
  const { runCli } = await import('../src/cli.ts');
  process.exit(await runCli(process.argv.slice(2)));
} catch (err) {
  const missingBuild = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('compiled');
  console.error(missingBuild ? 'nashra: templates are not compiled yet; run `npm run build` first.' : `nashra: ${err?.message ?? err}`);
  process.exit(1);
}
