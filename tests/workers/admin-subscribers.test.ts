/** The admin subscriber API inside workerd, against D1: list, search, export, erase; import into D1. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorkerDeps } from '../../src/adapters/worker-deps.js';
import { createCsvParser, csvRecords } from '../../src/subscribers/csv.js';
import { importSubscribers } from '../../src/subscribers/import.js';
import { admin, call, type ErrorJson } from './support/api.js';

const BASE = '/api/admin/subscribers';
type SubscriberJson = { id: string; email: string; name: string | null; status: string; sections: string[]; erasedAt: string | null; consent: { ip: string | null; userAgent: string | null } };
type Page = { items: SubscriberJson[]; nextCursor: string | null };

let seq = 0;
/** Inserts subscribers straight into D1; ids follow the order given (and sort as ULIDs do). */
async function insert(rows: { email: string; name?: string | null; status?: string; frequency?: string; ip?: string | null }[]): Promise<string[]> {
  const ids = rows.map(() => `01J${String(++seq).padStart(23, '0')}`);
  const stmt = env.DB.prepare(
    `INSERT INTO subscribers (id, email, name, status, frequency, created_at, updated_at, consent_at, consent_ip, consent_user_agent, consent_source, consent_policy_version)
     VALUES (?, ?, ?, ?, ?, 1764403200000, 1764403200000, 1764403200000, ?, 'Mozilla/5.0 Test', 'page', '2026-11')`,
  );
  await env.DB.batch(rows.map((r, i) => stmt.bind(ids[i], r.email, r.name ?? null, r.status ?? 'confirmed', r.frequency ?? 'daily', r.ip ?? null)));
  return ids;
}

const count = (sqlText: string, ...binds: unknown[]) => env.DB.prepare(sqlText).bind(...binds).first<number>('n');

function parseCsv(text: string): string[][] {
  const parser = createCsvParser({ delimiter: ',' });
  return [...parser.push(text), ...parser.end()].map((r) => r.fields);
}

describe('admin subscriber API on Workers', () => {
  it('401 without the admin token', async () => {
    for (const path of [BASE, `${BASE}/export`]) {
      const res = await call(path);
      expect(res.status).toBe(401);
      expect((await res.json<ErrorJson>()).error.code).toBe('unauthorized');
    }
  });

  it('filters, searches with literal % and _, and pages through the cursor', async () => {
    const ids = await insert([
      { email: 'a_b@example.ma' },
      { email: 'axb@example.ma', status: 'unsubscribed' },
      { email: 'p@example.ma', name: 'خصم 50%' },
      { email: 'q@example.ma', name: 'خصم 500', frequency: 'weekly' },
      { email: 'r@example.ma' },
      { email: 'a.very.long.address.of.a.reader@publisher.example.ma', name: 'اسم طويل جدا لقارئ من الرباط' },
    ]);
    const list = async (query: string) => (await (await admin(`${BASE}?${query}`)).json<Page>()).items.map((s) => s.id);
    expect(await list('q=_')).toEqual([ids[0]]);
    // Longer than D1's 50-byte LIKE patterns: still found, not a 500.
    expect(await list(`q=${encodeURIComponent('A.VERY.LONG.ADDRESS.of.a.reader@publisher.example.ma')}`)).toEqual([ids[5]]);
    expect(await list(`q=${encodeURIComponent('اسم طويل جدا لقارئ من الرباط')}`)).toEqual([ids[5]]);
    expect(await list('q=50%25')).toEqual([ids[2]]);
    expect(await list('status=unsubscribed')).toEqual([ids[1]]);
    expect(await list('frequency=weekly&q=%D8%AE%D8%B5%D9%85')).toEqual([ids[3]]);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Page = await (await admin(`${BASE}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json<Page>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await admin(`${BASE}?suppressed=maybe`)).status).toBe(400);
  });

  it('streams the export from D1 a page at a time, as CSV that parses back', async () => {
    const many = Array.from({ length: 620 }, (_, i) => ({ email: `reader${i}@example.ma`, name: i === 7 ? '=1+1' : `قارئ ${i}` }));
    const ids = await insert(many);
    const res = await admin(`${BASE}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    expect(header?.slice(0, 3)).toEqual(['id', 'email', 'name']);
    expect(rows.map((r) => r[0])).toEqual([...ids].reverse());
    const byEmail = new Map(rows.map((r) => [r[1], r]));
    expect(byEmail.get('reader7@example.ma')?.[2]).toBe("'=1+1");
    expect(byEmail.get('reader8@example.ma')?.[2]).toBe('قارئ 8');
  });

  it('erases personal data, keeps the row and its deliveries, and answers 204 again', async () => {
    const [victim, other] = await insert([
      { email: 'Victim@example.ma', name: 'اسم شخصي', ip: '198.51.100.4' },
      { email: 'other@example.ma', name: 'آخر' },
    ]);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO editions (id, cadence, period_key, status, window_end, created_at) VALUES ('e1', 'daily', '2026-11-29', 'sent', 0, 0)"),
      env.DB.prepare("INSERT INTO deliveries (id, edition_id, subscriber_id, status, error, created_at) VALUES ('d1', 'e1', ?, 'failed', '550 <victim@example.ma> unknown', 0)").bind(victim),
      env.DB.prepare("INSERT INTO deliveries (id, edition_id, subscriber_id, status, created_at) VALUES ('d2', 'e1', ?, 'submitted', 0)").bind(other),
      env.DB.prepare("INSERT INTO sections (id, slug, name, created_at) VALUES ('s1', 'opinion', 'رأي', 0)"),
      env.DB.prepare("INSERT INTO subscriber_topics (subscriber_id, kind, term_id) VALUES (?, 'section', 's1')").bind(victim),
    ]);
    expect((await (await admin(`${BASE}/${victim}`)).json<SubscriberJson>()).sections).toEqual(['opinion']);

    const res = await admin(`${BASE}/${victim}`, 'DELETE');
    expect(res.status).toBe(204);
    const row = await env.DB.prepare('SELECT * FROM subscribers WHERE id = ?').bind(victim).first<Record<string, unknown>>();
    expect(row).toMatchObject({ email: `erased+${victim}@invalid`, name: null, consent_ip: null, consent_user_agent: null, status: 'unsubscribed' });
    expect(row?.erased_at).toEqual(expect.any(Number));
    expect(await count('SELECT count(*) AS n FROM subscriber_topics')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(2);
    expect(await count('SELECT count(*) AS n FROM subscribers')).toBe(2);
    expect(await env.DB.prepare("SELECT error FROM deliveries WHERE id = 'd1'").first('error')).toBe('550 <[erased]> unknown');
    const exported = await (await admin(`${BASE}/export`)).text();
    expect(exported.toLowerCase()).not.toContain('victim@example.ma');
    expect(exported).not.toContain('اسم شخصي');

    expect((await admin(`${BASE}/${victim}`, 'DELETE')).status).toBe(204);
    expect(await env.DB.prepare('SELECT erased_at FROM subscribers WHERE id = ?').bind(victim).first('erased_at')).toBe(row?.erased_at);
    expect((await admin(`${BASE}/01HZZZZZZZZZZZZZZZZZZZZZZZ`, 'DELETE')).status).toBe(404);
  });

  it('imports into D1 in statements under its 100-parameter limit', async () => {
    // The limit is real here: one parameter too many is refused.
    const tooMany = Array.from({ length: 101 }, () => '?').join(',');
    await expect(env.DB.prepare(`SELECT 1 WHERE 1 IN (${tooMany})`).bind(...Array.from({ length: 101 }, (_, i) => i)).all()).rejects.toThrow();
    await insert([{ email: 'existing@example.ma', status: 'unsubscribed' }]);
    const deps = createWorkerDeps(env as never, () => {});
    const lines = ['email,name', 'EXISTING@example.ma,', ...Array.from({ length: 250 }, (_, i) => `imported${i}@example.ma,مستورد ${i}`)];
    const report = await importSubscribers(deps, csvRecords([lines.join('\n')]));
    expect(report).toMatchObject({ rowsRead: 251, imported: 250, skipped: { existing: 1 } });
    expect(await count("SELECT count(*) AS n FROM subscribers WHERE consent_source = 'import' AND status = 'confirmed'")).toBe(250);
    expect(await env.DB.prepare("SELECT status FROM subscribers WHERE email = 'existing@example.ma'").first('status')).toBe('unsubscribed');
  });
});
