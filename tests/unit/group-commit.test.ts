/** Group commit on the Node driver: writes waiting in one turn of the event loop share a commit. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/adapters/sqlite.js';
import { inGroupCommit, type Db } from '../../src/storage/db.js';
import { countCommits } from '../support/commits.js';

type Client = { prepare(sql: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown } };

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A migrated database (in memory unless `path`) whose transactions are counted. */
function countedDb(path = ':memory:'): { db: Db; client: Client; commits: () => number } {
  const opened = openSqlite(path);
  close = opened.close;
  const client = (opened.db as unknown as { $client: Client }).$client;
  const commits = countCommits(opened.db);
  client.prepare('CREATE TABLE t (k TEXT PRIMARY KEY)').run();
  return { db: opened.db, client, commits };
}

describe('inGroupCommit', () => {
  it('commits the writes of one turn together, each caller getting its own result', async () => {
    const { db, client, commits } = countedDb();
    const insert = client.prepare('INSERT INTO t (k) VALUES (?)');
    const results = await Promise.all(['a', 'b', 'c'].map((k) => inGroupCommit(db, () => (insert.run(k), `${k}!`))));
    expect(results).toEqual(['a!', 'b!', 'c!']);
    expect(commits()).toBe(1);
    // A write in a later turn is a commit of its own.
    await inGroupCommit(db, () => insert.run('d'));
    expect(commits()).toBe(2);
    expect(await db.all(sql`SELECT k FROM t ORDER BY k`)).toEqual([{ k: 'a' }, { k: 'b' }, { k: 'c' }, { k: 'd' }]);
  });

  it('fails a throwing write alone; the others commit', async () => {
    const { db, client } = countedDb();
    const insert = client.prepare('INSERT INTO t (k) VALUES (?)');
    const settled = await Promise.allSettled([
      inGroupCommit(db, () => insert.run('x')),
      inGroupCommit(db, () => insert.run('x')), // UNIQUE constraint
      inGroupCommit(db, () => insert.run('y')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await db.all(sql`SELECT k FROM t ORDER BY k`)).toEqual([{ k: 'x' }, { k: 'y' }]);
  });

  it('settles only once the commit is visible to another connection', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nashra-group-')), 'g.db');
    const { db, client } = countedDb(path);
    const insert = client.prepare('INSERT INTO t (k) VALUES (?)');
    const other = new Database(path, { readonly: true });
    try {
      const seen = await inGroupCommit(db, () => insert.run('z'))!.then(() => other.prepare('SELECT k FROM t').all());
      expect(seen).toEqual([{ k: 'z' }]);
    } finally {
      other.close();
    }
  });

  it('gathers writes from later turns until the group is full, then commits at once', async () => {
    const { db, client, commits } = countedDb();
    const insert = client.prepare('INSERT INTO t (k) VALUES (?)');
    const done: string[] = [];
    const turn = () => new Promise((r) => setImmediate(r));
    const gathering = { size: 3, maxWaitMs: 60_000 };
    const writes = ['a', 'b', 'c'].map((k) => async () => inGroupCommit(db, () => insert.run(k), gathering)!.then(() => done.push(k)));
    const first = writes[0]!();
    await turn();
    const second = writes[1]!();
    await turn();
    await turn();
    expect(done).toEqual([]); // two of three: still waiting, nothing committed
    expect(commits()).toBe(0);
    const third = writes[2]!();
    await Promise.all([first, second, third]); // long before the minute is up
    expect(done).toEqual(['a', 'b', 'c']);
    expect(commits()).toBe(1);
    // The next write opens a new group.
    await inGroupCommit(db, () => insert.run('d'), { size: 1, maxWaitMs: 60_000 });
    expect(commits()).toBe(2);
  });

  it('commits a group that never fills once its wait is over', async () => {
    const { db, client, commits } = countedDb();
    const insert = client.prepare('INSERT INTO t (k) VALUES (?)');
    const started = performance.now();
    let settled = false;
    const write = inGroupCommit(db, () => insert.run('lonely'), { size: 4, maxWaitMs: 30 })!.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await write;
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(commits()).toBe(1);
    expect(await db.all(sql`SELECT k FROM t`)).toEqual([{ k: 'lonely' }]);
  });

  it('leaves a database without interactive transactions (D1) to the caller', () => {
    expect(inGroupCommit({ batch: () => undefined } as unknown as Db, () => 1)).toBeUndefined();
  });
});
