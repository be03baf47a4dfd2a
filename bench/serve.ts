/**
 * One bench server, run as a child process of `bench/http.ts` so the load generator and the
 * server do not share a core:
 *
 *   serve.ts app  <sqlite file> <max seconds>   the Node entry's serving path: `serve` from
 *                                               @hono/node-server, `createApp`, the memory feed cache
 *   serve.ts bare <response.json> <max seconds> a bare `node:http` server answering every request
 *                                               with one recorded response (status, headers, body)
 *
 * Both listen on 127.0.0.1 on a free port and report it over IPC (`{ port }`). Each stops by
 * itself: on a `stop` message, when the parent goes away, or after <max seconds> at the latest.
 */
import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { createMemoryFeedCache } from '../src/feeds/cache.js';
import { createBenchDeps } from './deps.js';

/**
 * A response as the bare server replays it; the body is base64 so the bytes survive JSON.
 * `bodyAs: 'string'` writes it as a JS string (encoded on every response, as the app does).
 */
export type RecordedResponse = { status: number; headers: [string, string][]; body: string; bodyAs?: 'buffer' | 'string' };

const HOST = '127.0.0.1';

function bareServer(file: string): { server: Server; close(): Promise<void> } {
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as RecordedResponse;
  const bytes = Buffer.from(recorded.body, 'base64');
  const body = recorded.bodyAs === 'string' ? bytes.toString('utf8') : bytes;
  const headers = recorded.headers.flat();
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(recorded.status, headers);
    res.end(body);
  });
  server.listen(0, HOST);
  return { server, close: async () => {} };
}

function appServer(dbPath: string): { server: Server; close(): Promise<void> } {
  const deps = createBenchDeps(dbPath, createMemoryFeedCache());
  const app = createApp(() => deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: HOST }) as Server;
  return {
    server,
    async close() {
      await deps.close();
      if (deps.deferredFailures() > 0) throw new Error(`${deps.deferredFailures()} background tasks failed`);
    },
  };
}

function main(argv: string[]): void {
  const [mode, arg, maxSeconds] = argv;
  if (!process.send || !arg || !(Number(maxSeconds) > 0) || (mode !== 'app' && mode !== 'bare')) {
    throw new Error('usage: serve.ts app|bare <file> <max seconds>, forked with an IPC channel');
  }
  const { server, close } = mode === 'app' ? appServer(arg) : bareServer(arg);
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    close().then(
      () => process.exit(code),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  server.once('listening', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  server.once('error', (err) => {
    console.error(err);
    stop(1);
  });
  process.on('message', (msg) => msg === 'stop' && stop(0));
  process.once('disconnect', () => stop(0));
  setTimeout(() => stop(2), Number(maxSeconds) * 1000);
}

main(process.argv.slice(2));
