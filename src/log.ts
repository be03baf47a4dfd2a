/** Structured logs as one JSON line each, on both runtimes. */
import type { Log } from './deps.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

export function createConsoleLog(level: keyof typeof LEVELS = 'info'): Log {
  const min = LEVELS[level];
  const write = (lvl: keyof typeof LEVELS) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    const line = JSON.stringify({ level: lvl, msg, ...fields });
    if (lvl === 'error' || lvl === 'warn') console.error(line);
    else console.log(line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
