/** The admin subscriber API on Node: auth, filters, search, pages, CSV export and erasure. */
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import { createMemoryMailer, MailSubmitError, type Mailer } from '../../src/email/mailer.js';
import { authors, deliveries, rateLimits, sections, subscribers, subscriberTopics, suppressions, type SubscriberRow } from '../../src/storage/schema.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import { createCsvParser } from '../../src/subscribers/csv.js';
import { EXPORT_COLUMNS, EXPORT_PAGE_SIZE } from '../../src/subscribers/export.js';
import type { SubscriberJson } from '../../src/subscribers/admin.js';
import { adminHeaders, createTestApp, createTestDeps, TEST_ADMIN_TOKEN, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
function setUp(mailer?: Mailer) {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z', mailer });
  app = createTestApp(deps);
}
beforeEach(() => setUp());
afterEach(() => {
  vi.restoreAllMocks();
  return deps.close();
});

const BASE = '/api/admin/subscribers';
type Page = { items: SubscriberJson[]; nextCursor: string | null };

const get = (path: string, headers: Record<string, string> = adminHeaders) => app.request(path, { headers });
async function list(query = ''): Promise<Page> {
  const res = await get(`${BASE}${query ? `?${query}` : ''}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}

/** Walks every page; returns the ids in order and the size of each page. */
async function listAll(query: string, limit: number) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((s) => s.id));
    sizes.push(page.items.length);
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, sizes };
}

/** Subscribers one minute apart, so ids (time-sortable) follow creation order. */
async function addAll(rows: Partial<SubscriberRow>[]): Promise<SubscriberRow[]> {
  const out: SubscriberRow[] = [];
  for (const r of rows) {
    deps.clock.advance(60_000);
    out.push(await addSubscriber(deps, r));
  }
  return out;
}

const newestFirst = (rows: SubscriberRow[]) => rows.map((r) => r.id).sort().reverse();

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

function parseCsv(text: string): string[][] {
  const parser = createCsvParser({ delimiter: ',' });
  return [...parser.push(text), ...parser.end()].map((r) => r.fields);
}

describe('admin subscriber API: access', () => {
  it('answers 401 with WWW-Authenticate to a missing or wrong token, and erases nothing', async () => {
    const s = await addSubscriber(deps, { name: 'ليلى' });
    const wrong = { authorization: 'Bearer not-the-token-0123456789' };
    for (const headers of [{}, wrong, { authorization: `Basic ${TEST_ADMIN_TOKEN}` }]) {
      for (const [method, path] of [['GET', BASE], ['GET', `${BASE}/export`], ['GET', `${BASE}/${s.id}`], ['DELETE', `${BASE}/${s.id}`]] as const) {
        const res = await app.request(path, { method, headers });
        await expectError(res, 401, 'unauthorized');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
    }
    const row = await deps.db.select().from(subscribers).get();
    expect(row).toMatchObject({ email: s.email, name: 'ليلى', erasedAt: null });
  });

  it('marks every answer as not to be cached', async () => {
    const s = await addSubscriber(deps);
    for (const path of [BASE, `${BASE}/export`, `${BASE}/${s.id}`]) expect((await get(path)).headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /api/admin/subscribers', () => {
  it('shows each subscriber with their choices and consent record', async () => {
    await deps.db.insert(sections).values([
      { id: 'sec-1', slug: 'opinion', name: 'رأي', createdAt: deps.clock.now() },
      { id: 'sec-2', slug: 'analysis', name: 'تحليل', createdAt: deps.clock.now() },
    ]);
    await deps.db.insert(authors).values({ id: 'auth-1', slug: 'layla-benali', name: 'ليلى بنعلي', createdAt: deps.clock.now() });
    const s = await addSubscriber(deps, {
      email: 'Layla@example.ma', name: 'ليلى', frequency: 'weekly', locale: 'en', timezone: 'Europe/Paris', preferredHour: 9, preferredWeekday: 4,
      confirmedAt: deps.clock.now(), consentIp: '203.0.113.7', consentUserAgent: 'Firefox', consentSource: 'api', suppressedAt: new Date('2026-11-28T10:00:00Z'),
    });
    await deps.db.insert(subscriberTopics).values([
      { subscriberId: s.id, kind: 'section', termId: 'sec-1' },
      { subscriberId: s.id, kind: 'section', termId: 'sec-2' },
      { subscriberId: s.id, kind: 'author', termId: 'auth-1' },
    ]);
    const expected = {
      id: s.id, email: 'Layla@example.ma', name: 'ليلى', status: 'confirmed', frequency: 'weekly', timezone: 'Europe/Paris',
      preferredHour: 9, preferredWeekday: 4, locale: 'en', sections: ['analysis', 'opinion'], authors: ['layla-benali'],
      createdAt: '2026-11-29T08:00:00.000Z', confirmedAt: '2026-11-29T08:00:00.000Z', unsubscribedAt: null,
      suppressedAt: '2026-11-28T10:00:00.000Z', erasedAt: null,
      consent: { at: '2026-11-29T08:00:00.000Z', ip: '203.0.113.7', userAgent: 'Firefox', source: 'api', policyVersion: '2026-11', confirmedAt: '2026-11-29T08:00:00.000Z' },
    };
    expect((await list()).items).toEqual([expect.objectContaining(expected)]);
    const one = await get(`${BASE}/${s.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject(expected);
  });

  it('answers 404 for an unknown id', async () => {
    await expectError(await get(`${BASE}/01HZZZZZZZZZZZZZZZZZZZZZZZ`), 404, 'not_found');
  });

  it('filters by status, frequency, locale, consent source and suppression, alone and together', async () => {
    const all = await addAll([
      { status: 'confirmed', frequency: 'daily', locale: 'ar', consentSource: 'page' },
      { status: 'pending', frequency: 'weekly', locale: 'en', consentSource: 'api' },
      { status: 'unsubscribed', frequency: 'daily', locale: 'en', consentSource: 'import', suppressedAt: new Date('2026-11-01T00:00:00Z') },
      { status: 'confirmed', frequency: 'weekly', locale: 'ar', consentSource: 'import' },
      { status: 'confirmed', frequency: 'daily', locale: 'en', consentSource: 'api', suppressedAt: new Date('2026-11-02T00:00:00Z') },
    ]);
    const cases: [string, (s: SubscriberRow) => boolean][] = [
      ['status=confirmed', (s) => s.status === 'confirmed'],
      ['status=pending', (s) => s.status === 'pending'],
      ['frequency=weekly', (s) => s.frequency === 'weekly'],
      ['locale=en', (s) => s.locale === 'en'],
      ['source=import', (s) => s.consentSource === 'import'],
      ['source=api', (s) => s.consentSource === 'api'],
      ['suppressed=true', (s) => s.suppressedAt !== null],
      ['suppressed=false', (s) => s.suppressedAt === null],
      ['status=confirmed&locale=en&suppressed=true', (s) => s.status === 'confirmed' && s.locale === 'en' && s.suppressedAt !== null],
      ['frequency=daily&source=page', (s) => s.frequency === 'daily' && s.consentSource === 'page'],
    ];
    for (const [query, keep] of cases) {
      const expected = newestFirst(all.filter(keep));
      expect(expected.length, query).toBeGreaterThan(0);
      expect((await list(query)).items.map((s) => s.id), query).toEqual(expected);
    }
    expect((await list()).items.map((s) => s.id)).toEqual(newestFirst(all));
  });

  it('refuses unknown filter values, unknown parameters, a limit out of 1–200 and a forged cursor with 400', async () => {
    for (const query of ['status=gone', 'frequency=hourly', 'locale=fr', 'source=csv', 'suppressed=yes', 'limit=0', 'limit=201', 'stauts=confirmed', 'cursor=not-a-cursor', `q=${'x'.repeat(201)}`]) {
      await expectError(await get(`${BASE}?${query}`), 400, 'invalid_request');
    }
  });

  it('searches address and name, ignoring ASCII case, with % _ and \\ taken literally', async () => {
    const [underscore, plainX, percent, hundred, backslash, arabic] = await addAll([
      { email: 'a_b@example.com' },
      { email: 'axb@example.com' },
      { email: 'p1@example.com', name: 'خصم 100% اليوم' },
      { email: 'p2@example.com', name: 'خصم 1000 اليوم' },
      { email: 'back\\slash@example.com' },
      { email: 'Mohamed.Alami@Example.ma', name: 'محمد العلمي' },
    ]) as SubscriberRow[] as [SubscriberRow, SubscriberRow, SubscriberRow, SubscriberRow, SubscriberRow, SubscriberRow];
    const search = async (q: string) => (await list(`q=${encodeURIComponent(q)}`)).items.map((s) => s.id);
    expect(await search('a_b')).toEqual([underscore.id]);
    expect(await search('_')).toEqual([underscore.id]);
    expect(await search('100%')).toEqual([percent.id]);
    expect(await search('%')).toEqual([percent.id]);
    expect(await search('\\')).toEqual([backslash.id]);
    expect(await search('MOHAMED.alami')).toEqual([arabic.id]);
    expect(await search('العلمي')).toEqual([arabic.id]);
    expect(await search('  100 ')).toEqual(newestFirst([percent, hundred]));
    expect(await search('example.com')).toEqual(newestFirst([underscore, plainX, percent, hundred, backslash]));
    // Past 50 bytes (D1's limit for a LIKE pattern) the same search still works, as literally.
    const [long] = await addAll([{ email: 'A.Very.Long.Address.Of.A.Reader@publisher.example.ma', name: 'نسبة 50% من قراء الرباط_والدار البيضاء' }]);
    const longQueries = ['a.very.long.address.of.a.READER@publisher.example.ma', 'نسبة 50% من قراء الرباط_والدار', 'نسبة 50٪ من قراء الرباط_والدار', 'نسبة 5_% من قراء الرباط_والدار'];
    for (const q of longQueries) expect(new TextEncoder().encode(q).length).toBeGreaterThan(50);
    expect(await search(longQueries[0] as string)).toEqual([long?.id]);
    expect(await search(longQueries[1] as string)).toEqual([long?.id]);
    expect(await search(longQueries[2] as string)).toEqual([]);
    expect(await search(longQueries[3] as string)).toEqual([]);
    expect((await list('q=')).items).toHaveLength(7);
  });

  it('walks every subscriber exactly once through the cursor, with and without a filter', async () => {
    const all = await addAll(Array.from({ length: 11 }, (_, i) => ({ frequency: i % 3 === 0 ? ('weekly' as const) : ('daily' as const) })));
    const walk = await listAll('', 4);
    expect(walk.sizes).toEqual([4, 4, 3]);
    expect(walk.ids).toEqual(newestFirst(all));
    const daily = await listAll('frequency=daily', 3);
    expect(daily.ids).toEqual(newestFirst(all.filter((s) => s.frequency === 'daily')));
    expect(daily.sizes).toEqual([3, 3, 1]);
    expect((await list('limit=11')).nextCursor).toBeNull();
  });
});

describe('GET /api/admin/subscribers/export', () => {
  it('streams a UTF-8 CSV with a BOM that parses back to the listed rows, formulas defused', async () => {
    await addAll([
      { email: 'laila@example.ma', name: 'ليلى بنعلي', consentIp: '2001:db8::1', consentUserAgent: 'Mozilla/5.0 (X11; Linux), "quoted"', preferredWeekday: 1 },
      { email: 'formula@example.com', name: '=HYPERLINK("http://evil.example","click")', consentUserAgent: '@SUM(A1)' },
      { email: 'lines@example.com', name: 'سطر أول\r\nسطر ثان, وفاصلة', consentUserAgent: '-2+3' },
      { email: 'plus@example.com', name: '+212 600', consentUserAgent: '\tTabbed', status: 'unsubscribed', unsubscribedAt: deps.clock.now() },
    ]);
    const res = await get(`${BASE}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="subscribers-2026-11-29.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFFid,email,name,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(EXPORT_COLUMNS);
    // Columns added later go at the end: files read by position keep their meaning.
    expect(EXPORT_COLUMNS.slice(-2)).toEqual(['consent_confirmed_at', 'preferred_weekday']);
    expect(EXPORT_COLUMNS.slice(5, 8)).toEqual(['timezone', 'preferred_hour', 'locale']);
    const listed = (await list()).items;
    const asText = (v: unknown) => (v === null ? '' : String(v));
    const defused = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    const expected = listed.map((s) =>
      [
        s.id, s.email, s.name, s.status, s.frequency, s.timezone, s.preferredHour, s.locale, s.sections.join(' '), s.authors.join(' '),
        s.softBounces, s.createdAt, s.updatedAt, s.confirmationSentAt, s.confirmedAt, s.unsubscribedAt, s.suppressedAt, s.erasedAt,
        s.consent.at, s.consent.ip, s.consent.userAgent, s.consent.source, s.consent.policyVersion, s.consent.confirmedAt, s.preferredWeekday,
      ].map((v) => defused(asText(v))),
    );
    expect(rows).toEqual(expected);
    const byEmail = new Map(rows.map((r) => [r[1], r]));
    expect(byEmail.get('laila@example.ma')?.[2]).toBe('ليلى بنعلي');
    expect(byEmail.get('laila@example.ma')?.at(-1)).toBe('1'); // preferred_weekday: Monday
    expect(byEmail.get('plus@example.com')?.at(-1)).toBe('6');
    expect(byEmail.get('formula@example.com')?.[2]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(byEmail.get('formula@example.com')?.[20]).toBe(`'@SUM(A1)`);
    expect(byEmail.get('lines@example.com')?.[2]).toBe('سطر أول\r\nسطر ثان, وفاصلة');
    expect(byEmail.get('lines@example.com')?.[20]).toBe(`'-2+3`);
    expect(byEmail.get('plus@example.com')?.[2]).toBe(`'+212 600`);
    expect(byEmail.get('plus@example.com')?.[20]).toBe(`'\tTabbed`);
    // The same filters as the list.
    const unsubscribed = parseCsv((await (await get(`${BASE}/export?status=unsubscribed`)).text()).slice(1));
    expect(unsubscribed.slice(1).map((r) => r[1])).toEqual(['plus@example.com']);
    await expectError(await get(`${BASE}/export?status=nope`), 400, 'invalid_request');
    await expectError(await get(`${BASE}/export?limit=5`), 400, 'invalid_request');
  });

  it('reads the table a page at a time: no chunk holds more than one page of rows', async () => {
    const now = deps.clock.now();
    const rows: SubscriberRow[] = Array.from({ length: 2 * EXPORT_PAGE_SIZE + 3 }, (_, i) => ({
      id: deps.ids.next(), email: `bulk${i}@example.com`, name: `قارئ ${i}`, status: 'confirmed', frequency: 'daily',
      timezone: 'Africa/Casablanca', preferredHour: 7, preferredWeekday: 6, segmentKey: 'all', createdAt: now, updatedAt: now, confirmedAt: now, unsubscribedAt: null,
      confirmationSentAt: null, consentAt: now, consentIp: null, consentUserAgent: null, consentSource: 'import',
      consentPolicyVersion: '2026-11', locale: 'ar', softBounces: 0, suppressedAt: null, erasedAt: null,
    }));
    for (let i = 0; i < rows.length; i += 4) await deps.db.insert(subscribers).values(rows.slice(i, i + 4));
    await deps.db.insert(sections).values({ id: 'sec-1', slug: 'opinion', name: 'رأي', createdAt: now });
    await deps.db.insert(subscriberTopics).values(rows.slice(0, 20).map((r) => ({ subscriberId: r.id, kind: 'section' as const, termId: 'sec-1' })));
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    const res = await get(`${BASE}/export`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const perChunk: number[] = [];
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = decoder.decode(value, { stream: true });
      perChunk.push(part.split('\r\n').length - 1);
      text += part;
    }
    expect(Math.max(...perChunk)).toBeLessThanOrEqual(EXPORT_PAGE_SIZE);
    expect(perChunk.length).toBeGreaterThanOrEqual(4);
    const parsed = parseCsv(text.slice(1)).slice(1);
    expect(parsed.map((r) => r[0])).toEqual(rows.map((r) => r.id).reverse());
    expect(parsed.filter((r) => r[8] === 'opinion')).toHaveLength(20);
    // D1 takes at most 100 bound parameters per statement.
    const statements = prepare.mock.calls.map(([q]) => String(q));
    expect(statements.length).toBeGreaterThan(3);
    for (const q of statements) expect(q.split('?').length - 1, q.slice(0, 80)).toBeLessThanOrEqual(100);
  });
});

describe('DELETE /api/admin/subscribers/:id (erase)', () => {
  it('removes the personal data from every table and the export, and keeps every count', async () => {
    const target = 'Victim.Reader@example.ma';
    const memory = createMemoryMailer();
    setUp({
      async send(m) {
        if (m.to !== target) return memory.send(m);
        throw new MailSubmitError(`550 5.1.1 <${m.to.toLowerCase()}>: Recipient address rejected`, true, `550 5.1.1 <${m.to}>: Recipient address rejected`, { code: 550, stage: 'recipient' });
      },
    });
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await deps.db.insert(sections).values({ id: 'sec-1', slug: 'opinion-x', name: 'رأي', createdAt: deps.clock.now() });
    const victim = await addSubscriber(deps, { email: target, name: 'ضحية الاختبار', consentIp: '198.51.100.23', consentUserAgent: 'Mozilla/5.0 VictimBrowser' });
    const other = await addSubscriber(deps, { email: 'other@example.ma', name: 'قارئ آخر' });
    await deps.db.insert(subscriberTopics).values({ subscriberId: victim.id, kind: 'section', termId: 'sec-1' });
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    // The refusal, quoting the address, is kept on the delivery; the address is (or is put) on the suppression list.
    const key = await addressKey(deps.config.SECRET_KEY, target);
    await deps.db.insert(suppressions).values({ addressKey: key, reason: 'hard_bounce', source: 'smtp', detail: '550 5.1.1', createdAt: deps.clock.now() }).onConflictDoNothing();
    const suppressionBefore = await deps.db.select().from(suppressions).all();
    await deps.db.insert(rateLimits).values({ key: `signup:email:${target.toLowerCase()}`, windowStart: deps.clock.now(), count: 1 });
    const secrets = [target, 'ضحية الاختبار', '198.51.100.23', 'VictimBrowser'];
    expect(await tablesHolding(secrets)).toEqual(['deliveries', 'rate_limits', 'subscribers']);
    expect(await deps.db.select().from(subscriberTopics).all()).toHaveLength(1);
    const countsBefore = await counts();

    deps.clock.advance(3_600_000);
    const res = await app.request(`${BASE}/${victim.id}`, { method: 'DELETE', headers: adminHeaders });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    expect(await tablesHolding(secrets)).toEqual([]);
    expect(await counts()).toEqual(countsBefore);
    expect(await deps.db.select().from(subscriberTopics).all()).toEqual([]);
    // Still suppressed: the entry is as it was.
    expect(await deps.db.select().from(suppressions).all()).toEqual(suppressionBefore);
    expect(suppressionBefore).toEqual([expect.objectContaining({ addressKey: key })]);
    const failed = (await deps.db.select().from(deliveries).all()).find((d) => d.subscriberId === victim.id);
    expect(failed).toMatchObject({ status: 'bounced' });
    expect(failed?.error).toContain('550 5.1.1 <[erased]>');
    const erased = (await (await get(`${BASE}/${victim.id}`)).json()) as SubscriberJson;
    expect(erased).toMatchObject({
      email: `erased+${victim.id}@invalid`, name: null, status: 'unsubscribed', sections: [],
      unsubscribedAt: '2026-11-29T09:00:00.000Z', erasedAt: '2026-11-29T09:00:00.000Z',
      consent: { ip: null, userAgent: null, source: 'page', at: victim.consentAt.toISOString() },
    });
    const exported = await (await get(`${BASE}/export`)).text();
    for (const s of secrets) expect(exported.toLowerCase()).not.toContain(s.toLowerCase());
    expect(exported).toContain('other@example.ma');
    expect((await get(`${BASE}/${other.id}`)).status).toBe(200);
    expect(((await (await get(`${BASE}/${other.id}`)).json()) as SubscriberJson).email).toBe('other@example.ma');

    // Again: nothing changes, the first erasure time stands.
    deps.clock.advance(3_600_000);
    expect((await app.request(`${BASE}/${victim.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    expect(((await (await get(`${BASE}/${victim.id}`)).json()) as SubscriberJson).erasedAt).toBe('2026-11-29T09:00:00.000Z');
    await expectError(await app.request(`${BASE}/01HZZZZZZZZZZZZZZZZZZZZZZZ`, { method: 'DELETE', headers: adminHeaders }), 404, 'not_found');
  });

  it('lets the same address sign up afresh after an erasure', async () => {
    const s = await addSubscriber(deps, { email: 'back@example.ma' });
    expect((await app.request(`${BASE}/${s.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    const again = await addSubscriber(deps, { email: 'back@example.ma' });
    expect((await list('q=back@example.ma')).items.map((x) => x.id)).toEqual([again.id]);
  });
});

/** Tables with any row whose text, lower-cased, contains one of `needles`. */
async function tablesHolding(needles: string[]): Promise<string[]> {
  const tables = (await deps.db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).map((t) => t.name);
  const found: string[] = [];
  for (const table of tables.sort()) {
    const rows = await deps.db.all<Record<string, unknown>>(sql`SELECT * FROM ${sql.identifier(table)}`);
    const text = JSON.stringify(rows).toLowerCase();
    if (needles.some((n) => text.includes(JSON.stringify(n.toLowerCase()).slice(1, -1)))) found.push(table);
  }
  return found;
}

async function counts() {
  return {
    subscribers: (await deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM subscribers`))[0]?.n,
    deliveries: await deps.db.all(sql`SELECT edition_id, status, count(*) AS n FROM ${deliveries} GROUP BY 1, 2 ORDER BY 1, 2`),
    editions: (await deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM editions`))[0]?.n,
  };
}
