#!/usr/bin/env node
// The `nashra` command: runs src/cli.ts through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exit(await runCli(process.argv.slice(2)));
