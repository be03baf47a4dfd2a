/**
 * The deliveries' partial indexes: the queries meant for them reach them (SQLite uses a partial
 * index only when a query repeats its condition term for term), and migrations 0012 and 0013
 * date the editions that went out before them from their deliveries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/adapters/sqlite.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { healthCutoffs } from '../../src/digests/stuck.js';
import { cancelEditionIf, deliveryCountsOf, resumeEditionIf, sendHealth } from '../../src/storage/editions-admin.js';
import { completeEditions, reopenEditionsWithPending, sendableDeliveries } from '../../src/storage/editions.js';
import { deliveries, editions } from '../../src/storage/schema.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

type Client = { prepare(sql: string): { all(...p: unknown[]): { detail: string }[] } };

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
});
afterEach(() => deps.close());

/** The query plan of every statement `run` prepares that reads deliveries, by its first words. */
async function plansOf(run: () => Promise<unknown>): Promise<string[]> {
  const client = (deps.db as unknown as { $client: Client }).$client;
  const seen: string[] = [];
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => {
    if (/deliveries/i.test(sql) && !sql.startsWith('EXPLAIN')) seen.push(sql);
    return prepare(sql);
  };
  try {
    await run();
  } finally {
    client.prepare = prepare;
  }
  return seen.map((sql) => {
    const params = Array.from(sql.matchAll(/\?/g), () => null);
    const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail).join('; ');
    return `${sql.replace(/\s+/g, ' ').trim().slice(0, 40)} → ${plan}`;
  });
}

describe('delivery indexes', () => {
  it('pages, completes, reopens, counts, cancels and resumes through the open and settled indexes', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} };
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    const [edition] = await deps.db.select().from(editions).all();
    const id = edition!.id;
    const now = deps.clock.now();

    expect(await plansOf(() => sendableDeliveries(deps.db, id, now, '', 10))).toEqual([expect.stringMatching(/USING INDEX deliveries_open_idx \(edition_id=\? AND subscriber_id>\?\)$/)]);
    const [complete] = await plansOf(() => completeEditions(deps.db, [id], now));
    expect(complete).toMatch(/COVERING INDEX deliveries_open_idx \(edition_id=\?\)/);
    const [reopen] = await plansOf(() => reopenEditionsWithPending(deps.db));
    expect(reopen).toMatch(/COVERING INDEX deliveries_open_idx \(edition_id=\?\)/);
    const [counts] = await plansOf(() => deliveryCountsOf(deps.db, [id]));
    expect(counts).toMatch(/COVERING INDEX deliveries_open_idx \(edition_id=\?\).*COVERING INDEX deliveries_settled_idx \(edition_id=\?\)/);
    expect(counts).not.toMatch(/deliveries_edition_subscriber_uq|SCAN deliveries/);
    // The stuck-send report: the settled index for failures, the open one for leases, and for
    // pending deliveries of an edition that is not moving; never every delivery of the edition.
    const health = await plansOf(() => sendHealth(deps.db, 'open', healthCutoffs(new Date(now.getTime() + 3_600_000))));
    expect(health).toEqual([
      expect.stringMatching(/COVERING INDEX deliveries_settled_idx \(edition_id=\? AND status=\?\)/),
      expect.stringMatching(/USING INDEX deliveries_open_idx \(edition_id=\?\)/),
      expect.stringMatching(/USING INDEX deliveries_open_idx \(edition_id=\?\)/),
    ]);
    expect(health.join()).not.toMatch(/deliveries_edition_subscriber_uq|SCAN d\b/);
    const stops = await plansOf(async () => {
      await deps.db.update(editions).set({ status: 'paused' }).run();
      await resumeEditionIf(deps.db, id, now);
      await cancelEditionIf(deps.db, id, ['sending'], now, 'cancelled by an editor');
    });
    expect(stops.filter((p) => /^update "deliveries"/.test(p))).toEqual([
      expect.stringMatching(/USING INDEX deliveries_open_idx \(edition_id=\?\)/),
      expect.stringMatching(/USING INDEX deliveries_open_idx \(edition_id=\?\)/),
    ]);
    // And they still answer: the one delivery was skipped by the cancellation.
    expect((await deliveryCountsOf(deps.db, [id])).get(id)).toMatchObject({ skipped: 1, pending: 0, total: 1 });
    expect(await deps.db.select({ status: deliveries.status }).from(deliveries).all()).toEqual([{ status: 'skipped' }]);
  });
});

describe('migrations 0012 and 0013', () => {
  it('date each edition that went out from its first submitted delivery, and one still sending by its latest', () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
    const apply = (db: Database.Database, file: string) => {
      for (const statement of readFileSync(join(MIGRATIONS_DIR, file), 'utf8').split('--> statement-breakpoint')) if (statement.trim()) db.exec(statement);
    };
    const db = new Database(':memory:');
    try {
      for (const f of files.filter((f) => f < '0012')) apply(db, f);
      db.exec(`INSERT INTO subscribers (id, email, status, frequency, created_at, updated_at, consent_at, consent_source, consent_policy_version) VALUES ('s1', 'a@example.com', 'confirmed', 'daily', 0, 0, 0, 'api', '1'), ('s2', 'b@example.com', 'confirmed', 'daily', 0, 0, 0, 'api', '1'), ('s3', 'c@example.com', 'confirmed', 'daily', 0, 0, 0, 'api', '1')`);
      const edition = db.prepare(`INSERT INTO editions (id, cadence, period_key, segment_key, status, window_end, article_ids, created_at) VALUES (?, 'daily', ?, 'all', ?, 0, '[]', 0)`);
      edition.run('went-out', '2026-11-01', 'sent');
      edition.run('never', '2026-11-02', 'cancelled');
      edition.run('sending', '2026-11-03', 'sending');
      const delivery = db.prepare(`INSERT INTO deliveries (id, edition_id, subscriber_id, cadence, period_key, status, created_at, submitted_at) VALUES (?, ?, ?, 'daily', ?, ?, 0, ?)`);
      delivery.run('d1', 'went-out', 's1', '2026-11-01', 'submitted', 3000);
      delivery.run('d2', 'went-out', 's2', '2026-11-01', 'submitted', 2000);
      delivery.run('d3', 'went-out', 's3', '2026-11-01', 'failed', null);
      delivery.run('d4', 'never', 's1', '2026-11-02', 'skipped', null);
      delivery.run('d5', 'sending', 's1', '2026-11-03', 'submitted', 7000);
      delivery.run('d6', 'sending', 's2', '2026-11-03', 'submitted', 6000);
      delivery.run('d7', 'sending', 's3', '2026-11-03', 'pending', null);
      for (const f of files.filter((f) => f >= '0012')) apply(db, f);
      expect(db.prepare('SELECT id, first_submitted_at AS first, last_submitted_at AS last FROM editions ORDER BY id').all()).toEqual([
        { id: 'never', first: null, last: null },
        { id: 'sending', first: 6000, last: 7000 },
        { id: 'went-out', first: 2000, last: null },
      ]);
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND sql IS NOT NULL ORDER BY name`).all();
      expect(indexes).toEqual([{ name: 'deliveries_edition_subscriber_uq' }, { name: 'deliveries_open_idx' }, { name: 'deliveries_settled_idx' }, { name: 'deliveries_subscriber_period_uq' }]);
    } finally {
      db.close();
    }
  });
});
