/** Command-line options of `npm run bench`, validated once. */
import { parseArgs } from 'node:util';
import type { SinkKind } from './smtp-sink.js';

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
  /** Confirmed readers per digest-send run, one fresh database each; empty skips it. */
  digestSend: number[];
  /** `SMTP_POOL_SIZE` for the digest-send runs (Nashra and the ceiling alike). */
  smtpPool: number;
  /** Nashra runs per digest-send size, each between two ceiling runs. */
  digestSendRounds: number;
  /** The digest-send bench's SMTP sink. */
  smtpSink: SinkKind;
  /** Only the digest-send bench (no feeds, no HTTP, no digest render). */
  only: 'digest-send' | undefined;
  /** Write a V8 CPU profile of each Nashra digest-send run here. */
  digestSendProfile: string | undefined;
};

export const USAGE =
  'Usage: npm run bench -- [--articles 1000[,10000…]] [--recipients 10000] [--iterations 200] [--no-http] [--http-seconds 5] [--connections 10] ' +
  '[--digest-send 10000[,100000…]|none] [--smtp-pool 4] [--digest-send-rounds 3] [--smtp-sink raw|smtp-server] [--digest-send-profile dir] [--only digest-send] [--out file.md]';

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
      'digest-send': { type: 'string', default: '10000' },
      'smtp-pool': { type: 'string', default: '4' },
      'digest-send-rounds': { type: 'string', default: '3' },
      'smtp-sink': { type: 'string', default: 'raw' },
      'digest-send-profile': { type: 'string' },
      only: { type: 'string' },
    },
    allowNegative: true,
  });
  const articles = values.articles.split(',').map((s) => positiveInt('articles', s.trim()));
  const sink = values['smtp-sink'];
  if (sink !== 'raw' && sink !== 'smtp-server') throw new Error(`--smtp-sink must be raw or smtp-server, not "${sink}"`);
  if (values.only !== undefined && values.only !== 'digest-send') throw new Error(`--only must be digest-send, not "${values.only}"`);
  const digestSend = values['digest-send'] === 'none' ? [] : values['digest-send'].split(',').map((s) => positiveInt('digest-send', s.trim()));
  if (values.only && digestSend.length === 0) throw new Error('--only digest-send must be given sizes, not --digest-send none');
  return {
    articles,
    recipients: positiveInt('recipients', values.recipients),
    iterations: positiveInt('iterations', values.iterations),
    out: values.out,
    http: values.http,
    httpSeconds: positiveInt('http-seconds', values['http-seconds']),
    connections: positiveInt('connections', values.connections),
    digestSend,
    smtpPool: positiveInt('smtp-pool', values['smtp-pool']),
    digestSendRounds: positiveInt('digest-send-rounds', values['digest-send-rounds']),
    smtpSink: sink,
    only: values.only,
    digestSendProfile: values['digest-send-profile'],
  };
}

/** The command as a reader would retype it. */
export function commandLine(argv: string[]): string {
  const args = argv.map((a) => (/^[\w./,=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  if (viaNpm) return args ? `npm run bench -- ${args}` : 'npm run bench';
  return `npx tsx bench/run.ts${args ? ` ${args}` : ''}`;
}
