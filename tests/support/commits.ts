/** Counts the transactions a Node database commits (better-sqlite3's `transaction` wrappers). */
import type { Db } from '../../src/storage/db.js';

type Client = { transaction<F extends (...args: never[]) => unknown>(fn: F): F };

/**
 * From now on, counts every commit of a transaction function created after this call (group
 * commit creates its own on first use); returns the count so far.
 */
export function countCommits(db: Db): () => number {
  const client = (db as unknown as { $client: Client }).$client;
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
  return () => commits;
}
