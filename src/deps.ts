/**
 * Everything the app and the domain need from the outside world, built once by each entry
 * (`node.ts`, `worker.ts`, `cli.ts`) and by tests. Nothing else creates a database, a mailer
 * or reads the environment.
 */
import type { Config } from './config.js';
import type { DeliveryDispatcher } from './digests/dispatcher.js';
import type { Mailer } from './email/mailer.js';
import type { FeedCache } from './feeds/cache.js';
import type { Db } from './storage/db.js';

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A new unique, time-sortable identifier. */
  next(): string;
}

export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type Deps = {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  ids: Ids;
  config: Config;
  log: Log;
  /** Rendered feeds by feed version: memory on Node, the Cache API on Workers. */
  feedCache: FeedCache;
  /** Hands planned deliveries to whoever sends them (in-process on Node, a Queue on Workers). */
  dispatcher: DeliveryDispatcher;
  /** Outgoing HTTP (WebSub pings): the platform's fetch, or a stand-in in tests. */
  fetch: typeof fetch;
  /**
   * Runs `task` after the response is sent (`waitUntil` on Workers, the next turn of the event
   * loop on Node, where SQLite calls are synchronous and would otherwise run in the request);
   * errors are logged, never thrown.
   */
  defer(task: () => Promise<unknown>): void;
};

export const systemClock: Clock = { now: () => new Date() };

export function createFixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
