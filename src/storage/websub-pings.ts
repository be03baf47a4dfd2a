/**
 * The WebSub outbox (`websub_pings`): pings recorded with the article change, taken by a sender
 * with a conditional update, deleted once the hub has them. Works on D1 and better-sqlite3.
 */
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { websubPings } from './schema.js';

/** A feed URL and when its feed changes. */
export type PingKey = { url: string; dueAt: Date };
/** A ping a sender has taken; `attempts` counts the attempt it is about to make. */
export type TakenPing = PingKey & { attempts: number };

/** Records pings; one already recorded for the same URL and time is kept as it is. */
export async function recordPings(db: Db, pings: PingKey[]): Promise<void> {
  const rows = pings.map((p) => ({ url: p.url, dueAt: p.dueAt, nextAttemptAt: p.dueAt, attempts: 0, lastError: null }));
  await batch(db, chunkRows(rows, 5).map((chunk) => db.insert(websubPings).values(chunk).onConflictDoNothing()));
}

/**
 * `next_attempt_at` for a row being taken at `now`: `holdsMs[n]` after it when the row had `n`
 * attempts before this one (the last entry for any more). Until then no other sender takes it;
 * if this attempt fails, it is also the backoff.
 */
function holdFrom(now: Date, holdsMs: number[]): SQL {
  const last = holdsMs[holdsMs.length - 1] ?? 0;
  if (holdsMs.length < 2) return sql`${now.getTime() + last}`;
  const cases = holdsMs.slice(0, -1).map((ms, n) => sql` when ${n} then ${ms}`);
  return sql`${now.getTime()} + (case ${websubPings.attempts}${sql.join(cases)} else ${last} end)`;
}

const taken = { url: websubPings.url, dueAt: websubPings.dueAt, attempts: websubPings.attempts };

/**
 * Takes up to `limit` pings due at `now` (earliest first), in one statement: a concurrent
 * sender gets other rows or none. Each taken row's attempts go up by one.
 */
export async function takeDuePings(db: Db, now: Date, limit: number, holdsMs: number[]): Promise<TakenPing[]> {
  const due = db
    .select({ url: websubPings.url, dueAt: websubPings.dueAt })
    .from(websubPings)
    .where(lte(websubPings.nextAttemptAt, now))
    .orderBy(asc(websubPings.nextAttemptAt))
    .limit(limit);
  return db
    .update(websubPings)
    .set({ attempts: sql`${websubPings.attempts} + 1`, nextAttemptAt: holdFrom(now, holdsMs) })
    .where(sql`(${websubPings.url}, ${websubPings.dueAt}) in ${due}`)
    .returning(taken)
    .all();
}

/** Takes the pings for these URLs due at `dueAt`, those no other sender holds, as {@link takeDuePings}. */
export async function takePings(db: Db, urls: string[], dueAt: Date, now: Date, holdsMs: number[]): Promise<TakenPing[]> {
  const out: TakenPing[] = [];
  // D1's limit of 100 bound parameters, less those of the hold and the two times.
  for (const chunk of chunkRows(urls, 1, 96 - 2 * holdsMs.length)) {
    const rows = await db
      .update(websubPings)
      .set({ attempts: sql`${websubPings.attempts} + 1`, nextAttemptAt: holdFrom(now, holdsMs) })
      .where(and(eq(websubPings.dueAt, dueAt), inArray(websubPings.url, chunk), lte(websubPings.nextAttemptAt, now)))
      .returning(taken)
      .all();
    out.push(...rows);
  }
  return out;
}

const keyIn = (keys: PingKey[]) =>
  sql`(${websubPings.url}, ${websubPings.dueAt}) in (values ${sql.join(
    keys.map((k) => sql`(${k.url}, ${k.dueAt.getTime()})`),
    sql`, `,
  )})`;

/**
 * After an attempt, in one batch: deletes the `finished` rows (sent, or given up), and records
 * the error of the `failed` ones, which stay for their next attempt.
 */
export async function settlePings(db: Db, finished: PingKey[], failed: (PingKey & { error: string })[]): Promise<void> {
  const byError = new Map<string, PingKey[]>();
  for (const f of failed) byError.set(f.error, [...(byError.get(f.error) ?? []), f]);
  await batch(db, [
    ...chunkRows(finished, 2).map((chunk) => db.delete(websubPings).where(keyIn(chunk))),
    ...[...byError].flatMap(([error, keys]) =>
      chunkRows(keys, 2, 98).map((chunk) => db.update(websubPings).set({ lastError: error }).where(keyIn(chunk))),
    ),
  ]);
}
