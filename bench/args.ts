/** Command-line options of `npm run bench`, validated once. */
import { parseArgs } from 'node:util';

export type BenchOptions = {
  /** Article counts to seed, one fresh database each. */
  articles: number[];
  /** Recipients for the per-recipient digest measurement. */
  recipients: number;
  /** Timed rounds per feed case (after the warm-up rounds). */
  iterations: number;
  /** Where to write the markdown report, besides stdout. */
  out: string | undefined;
  /** Throughput over loopback with autocannon (`--no-http` skips it). */
  http: boolean;
  /** Interleaved 1-s rounds of load per HTTP target, after `HTTP_WARMUP_SECONDS` of warm-up. */
  httpSeconds: number;
  /** Concurrent autocannon connections. */
  connections: number;
};

export const USAGE = `Usage: npm run bench -- [--articles 1000[,10000…]] [--recipients 10000] [--iterations 200] [--no-http] [--http-seconds 5] [--connections 10] [--out file.md]`;

function positiveInt(name: string, raw: string): number {
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${raw}"`);
  return n;
}

/** Throws an `Error` naming the bad option. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      articles: { type: 'string', default: '1000' },
      recipients: { type: 'string', default: '10000' },
      iterations: { type: 'string', default: '200' },
      out: { type: 'string' },
      http: { type: 'boolean', default: true },
      'http-seconds': { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
    },
    allowNegative: true,
  });
  const articles = values.articles.split(',').map((s) => positiveInt('articles', s.trim()));
  return {
    articles,
    recipients: positiveInt('recipients', values.recipients),
    iterations: positiveInt('iterations', values.iterations),
    out: values.out,
    http: values.http,
    httpSeconds: positiveInt('http-seconds', values['http-seconds']),
    connections: positiveInt('connections', values.connections),
  };
}

/** The command as a reader would retype it. */
export function commandLine(argv: string[]): string {
  const args = argv.map((a) => (/^[\w./,=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  if (viaNpm) return args ? `npm run bench -- ${args}` : 'npm run bench';
  return `npx tsx bench/run.ts${args ? ` ${args}` : ''}`;
}
