/**
 * The digest sender as operators run it (`nashra digest run` as its own process) and the SMTP
 * server it talks to: a loopback smtp-server that records who got which Message-ID, can answer
 * DATA slowly (so a run can be killed part-way), can refuse chosen recipients at RCPT TO, and
 * can hold new connections (so a run can be killed before it submits anything).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { nashraEnv } from './env.js';
import { runNode, spawnNode, type Child } from './process.js';

/** `nashra digest run --cadence daily`, the bin as installed (it runs the build in dist/). */
export const DIGEST_RUN_ARGS = ['bin/nashra.mjs', 'digest', 'run', '--cadence', 'daily'];

/** The environment of a sender process: exactly these settings, no scheduler, no sample articles. */
export function digestSenderEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return nashraEnv({ SEED: 'false', SCHEDULER: 'false', LOG_LEVEL: 'warn', ...settings });
}

/** Starts a sender run; the caller waits for, or kills, the process. */
export function startDigestRun(env: NodeJS.ProcessEnv): Child {
  return spawnNode(DIGEST_RUN_ARGS, env);
}

/** Runs the sender to the end; throws when it takes longer than `timeoutMs`. */
export function runDigest(env: NodeJS.ProcessEnv, timeoutMs = 45_000) {
  return runNode(DIGEST_RUN_ARGS, env, timeoutMs);
}

export type ReceivedMessage = { to: string; messageId: string; raw: Buffer };

/** An SMTP reply that refuses a recipient, e.g. `{ code: 550, message: '5.1.1 No such mailbox' }`. */
export type SmtpRefusal = { code: number; message: string };

export type DigestSinkOptions = {
  /** Wait this long before answering each message's DATA (the message is recorded first). */
  dataDelayMs?: number;
  /** The reply for a recipient at RCPT TO; undefined accepts it. */
  refuse?: (address: string) => SmtpRefusal | undefined;
};

export type DigestSink = {
  url: string;
  /** Every message accepted, in order; one entry per envelope recipient. */
  received: ReceivedMessage[];
  /** Called with each accepted message and the number accepted so far, before the 250 reply is sent. */
  onMessage?: (message: ReceivedMessage, count: number) => void;
  /** New connections wait (no greeting) until {@link release}. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
};

/**
 * Starts the sink on a free loopback port. A message counts as received once its data is in,
 * before the reply: as with a real server, a sender killed before reading the 250 has still
 * delivered it, and the test sees that copy.
 */
export async function startDigestSink(opts: DigestSinkOptions = {}): Promise<DigestSink> {
  let held: (() => void)[] | null = null;
  const sink: DigestSink = {
    url: '',
    received: [],
    hold: () => void (held ??= []),
    release() {
      const waiting = held ?? [];
      held = null;
      for (const go of waiting) go();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (held) held.push(() => callback());
      else callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = opts.refuse?.(address.address.toLowerCase());
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const messageId = /^message-id:\s*(<[^>\s]+>)/im.exec(headerBlock(raw))?.[1] ?? '';
        for (const r of session.envelope.rcptTo) {
          const message = { to: r.address.toLowerCase(), messageId, raw };
          sink.received.push(message);
          sink.onMessage?.(message, sink.received.length);
        }
        if (opts.dataDelayMs) setTimeout(() => callback(), opts.dataDelayMs);
        else callback();
      });
    },
  });
  // A sender killed mid-conversation resets its connections; that is expected here.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text : text.slice(0, end);
}
