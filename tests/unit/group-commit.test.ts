/** Group commit on the Node driver: writes waiting in one turn of the event loop share a commit. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/adapters/sqlite.js';
import { inGroupCommit, type Db } from '../../src/storage/db.js';

type Client = { transaction<F extends (...args: never[]) => unknown>(fn: F): F; prepare(sql: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown } };

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A migrated database (in memory unless `path`) whose transactions are counted. */
function countedDb(path = ':memory:'): { db: Db; client: Client; commits: () => number } {
  const opened = openSqlite(path);
  close = opened.close;
  const client = (opened.db as unknown as { $client: Client }).$client;
  let commits = 0;
  const original = client.transaction.bind(client);
  client.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = original(fn);
    return (...args: never[]) => {
      const result = tx(...args);
      commits++;
      return result;
    };
  }) as Client['transaction'];
  client.prepare('CREATE TABLE t (k TEXT PRIMARY KEY)').run();
  return { db: opened.db, client, commits: () => commits };
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

  it('leaves a database without interactive transactions (D1) to the caller', () => {
    expect(inGroupCommit({ batch: () => undefined } as unknown as Db, () => 1)).toBeUndefined();
  });
});
