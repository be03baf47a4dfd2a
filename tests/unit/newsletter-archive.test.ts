/**
 * The public newsletter archive through the HTTP app: which editions are public, the pages,
 * keyset pagination, the Arabic 404, the edition feeds (parsed by real feed parsers) and
 * conditional GET.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { eq } from 'drizzle-orm';
import { parseFeed as parseAnyFeed } from 'feedsmith';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import { articles, deliveries, editions, type EditionRow } from '../../src/storage/schema.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let pieceId: string;

beforeEach(async () => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' }); // 09:00 in Casablanca
  app = createTestApp(deps);
  pieceId = (await addArticle(deps, { title: 'الماء والزراعة في سنوات الجفاف', publishedAt: '2026-11-29T05:00:00Z' })).id;
});
afterEach(() => deps.close());

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const html = async (path: string) => {
  const res = await get(path);
  return { res, body: await res.text() };
};
const editionLinks = (body: string) => [...body.matchAll(/href="\/newsletter\/archive\/([^"?]+)"/g)].map((m) => m[1] as string);

/** The day's edition through the real flow: planned, submitted to `reader`, completed. */
async function sendToday(reader = { name: 'ليلى', email: 'layla@example.com' }): Promise<EditionRow> {
  await addSubscriber(deps, reader);
  await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
  const [edition] = await deps.db.select().from(editions).all();
  expect(edition?.status).toBe('sent');
  return edition as EditionRow;
}

let period = 0;
/**
 * An edition row as any stage of its life leaves it, with deliveries in the given states.
 * Each gets its own period; `createdAt` orders the archive.
 */
async function addEdition(row: Partial<EditionRow> & { createdAt: Date }, deliveryStates: ('pending' | 'submitted' | 'failed')[] = []): Promise<EditionRow> {
  const periodKey = `2026-10-${String(++period).padStart(2, '0')}-x`;
  const submittedAt = (i: number) => new Date(row.createdAt.getTime() + (i + 1) * 60_000);
  const first = deliveryStates.indexOf('submitted');
  const edition: EditionRow = {
    id: deps.ids.next(),
    cadence: 'daily',
    periodKey,
    segmentKey: 'all',
    status: 'sent',
    windowStart: null,
    windowEnd: row.createdAt,
    articleIds: JSON.stringify([pieceId]),
    sendAfter: row.createdAt,
    completedAt: null,
    // As the sender dates it, in the same write as that delivery's outcome.
    firstSubmittedAt: first < 0 ? null : submittedAt(first),
    lastSubmittedAt: first < 0 ? null : submittedAt(deliveryStates.lastIndexOf('submitted')),
    ...row,
  };
  await deps.db.insert(editions).values(edition).run();
  for (const [i, status] of deliveryStates.entries()) {
    const reader = await addSubscriber(deps);
    await deps.db
      .insert(deliveries)
      .values({ id: deps.ids.next(), editionId: edition.id, subscriberId: reader.id, cadence: edition.cadence, periodKey, status, createdAt: row.createdAt, submittedAt: status === 'submitted' ? submittedAt(i) : null })
      .run();
  }
  return edition;
}

const at = (iso: string) => new Date(iso);

describe('the archive page', () => {
  it('lists only editions that went out, newest first, in Arabic, with feeds and a way to subscribe', async () => {
    const sent = await sendToday();
    const sending = await addEdition({ status: 'sending', createdAt: at('2026-11-28T08:00:00Z') }, ['submitted', 'pending']);
    const notYet = await addEdition({ status: 'sending', createdAt: at('2026-11-27T08:00:00Z') }, ['pending', 'failed']);
    const hidden = await Promise.all(
      (['review', 'paused', 'cancelled', 'skipped'] as const).map((status, i) => addEdition({ status, createdAt: at(`2026-11-2${i}T08:00:00Z`) }, ['submitted'])),
    );
    const weekly = await addEdition({ cadence: 'weekly', createdAt: at('2026-11-26T08:00:00Z') });

    const { res, body } = await html('/newsletter/archive');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(body).toMatch(/<html lang="ar" dir="rtl">/);
    expect(editionLinks(body)).toEqual([sent.id, sending.id, weekly.id]);
    for (const e of [notYet, ...hidden]) expect(body).not.toContain(e.id);
    expect(body).toContain('الماء والزراعة في سنوات الجفاف');
    expect(body).toContain('النشرة اليومية');
    expect(body).toContain('النشرة الأسبوعية');
    expect(body).toContain('>الأحد، 29 نوفمبر 2026</a>'); // the date label links to the edition
    expect(body).toContain('href="/subscribe"');
    expect(body).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(body).toMatch(/<link rel="alternate" type="application\/atom\+xml" title="[^"]+" href="\/newsletter\/feed\.atom">/);
    expect(body).toContain('href="/newsletter/feed.json"');
    expect(body).not.toMatch(/<script|<link rel="stylesheet"|src="http/);
    // Nothing about the reader it was sent to.
    expect(body).not.toContain('layla@example.com');
    expect(body).not.toContain('ليلى');
  });

  it('says what a segment\'s readers follow, and nothing for everyone\'s edition', async () => {
    const [opinion] = await deps.db.select({ id: articles.sectionId }).from(articles).all();
    await addEdition({ segmentKey: `s=${opinion?.id};a=`, createdAt: at('2026-11-28T08:00:00Z') });
    await addEdition({ createdAt: at('2026-11-27T08:00:00Z') });
    const { body } = await html('/newsletter/archive');
    expect(body.match(/الأقسام التي تتابعها: رأي/g)).toHaveLength(1);
  });

  it('pages with ?before= through every public edition once, and refuses a cursor it did not write', async () => {
    const made: EditionRow[] = [];
    for (let i = 0; i < 45; i++) made.push(await addEdition({ createdAt: new Date(Date.UTC(2026, 9, 1) + i * 86_400_000) }, ['submitted']));
    // Two at the same instant: the id breaks the tie.
    made.push(await addEdition({ createdAt: made[10]!.createdAt }, ['submitted']));
    const expected = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((e) => e.id);

    const seen: string[] = [];
    let path: string | undefined = '/newsletter/archive';
    let pages = 0;
    while (path) {
      const { res, body } = await html(path);
      expect(res.status).toBe(200);
      const links = editionLinks(body);
      expect(links.length).toBeLessThanOrEqual(20);
      seen.push(...links);
      if (pages > 0) expect(body).toContain('href="/newsletter/archive">الأعداد الأحدث</a>');
      const older = /href="(\/newsletter\/archive\?before=[^"]+)" rel="next"/.exec(body)?.[1];
      path = older?.replace(/&amp;/g, '&');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    const bad = await get('/newsletter/archive?before=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<html lang="ar" dir="rtl">/);
  });

  it('answers 304 to a matching If-None-Match and a fresh body once a new edition went out', async () => {
    await addEdition({ createdAt: at('2026-11-20T08:00:00Z') });
    const first = await get('/newsletter/archive');
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=600');
    expect((await get('/newsletter/archive', { 'if-none-match': etag })).status).toBe(304);
    await sendToday();
    const changed = await get('/newsletter/archive', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });
});

describe('an edition\'s web version', () => {
  it('shows each piece with its link, author, excerpt and image, and invites to subscribe', async () => {
    const edition = await sendToday();
    const { res, body } = await html(`/newsletter/archive/${edition.id}`);
    expect(res.status).toBe(200);
    expect(body).toMatch(/<html lang="ar" dir="rtl">/);
    expect(body).toContain('<h1>نشرة: النشرة اليومية، 29 نوفمبر 2026</h1>');
    const link = /<h2><a href="([^"]+)">الماء والزراعة في سنوات الجفاف<\/a><\/h2>/.exec(body)?.[1]?.replace(/&amp;/g, '&');
    const url = new URL(link as string);
    expect(url.searchParams.get('utm_source')).toBe('nashra');
    expect(url.searchParams.get('utm_medium')).toBe('web');
    expect(url.searchParams.get('utm_campaign')).toBe('daily-2026-11-29');
    expect(body).toContain('سعيد الإدريسي');
    expect(body).toContain('قراءة في تجربة الإصلاح المحلي.');
    expect(body).toMatch(/<img src="https:\/\/site\.test\/images\/a\.jpg" alt="صورة" width="\d+" height="\d+"/);
    expect(body).toContain('>اقرأ المقال</a>');
    expect(body).toContain('href="/subscribe"');
    expect(body).not.toMatch(/<script/);
    expect(body).not.toContain('layla@example.com');
    expect(body).not.toContain('ليلى');
    expect(body).not.toMatch(/token=/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const etag = res.headers.get('etag') as string;
    expect((await get(`/newsletter/archive/${edition.id}`, { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304);
  });

  it('is a friendly Arabic 404 for an unknown id and for an edition no reader got', async () => {
    const ids = [
      'no-such-edition',
      'x'.repeat(300),
      (await addEdition({ status: 'cancelled', createdAt: at('2026-11-20T08:00:00Z') }, ['failed'])).id,
      (await addEdition({ status: 'review', createdAt: at('2026-11-21T08:00:00Z') })).id,
      (await addEdition({ status: 'sending', createdAt: at('2026-11-22T08:00:00Z') }, ['pending'])).id,
      (await addEdition({ status: 'paused', createdAt: at('2026-11-23T08:00:00Z') }, ['pending'])).id,
    ];
    for (const id of ids) {
      const { res, body } = await html(`/newsletter/archive/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(body).toMatch(/<html lang="ar" dir="rtl">/);
      expect(body).toContain('لم نجد هذا العدد');
      expect(body).toContain('href="/newsletter/archive"');
      expect(body).not.toContain('الماء والزراعة');
    }
  });

  it('opens for the readers of an edition paused or cancelled after some of them got it, and stays out of the list and feeds', async () => {
    const stopped = await Promise.all(
      (['paused', 'cancelled', 'review'] as const).map((status, i) => addEdition({ status, createdAt: at(`2026-11-2${i}T08:00:00Z`) }, ['submitted', 'pending'])),
    );
    for (const edition of stopped) {
      const { res, body } = await html(`/newsletter/archive/${edition.id}`);
      expect(res.status, edition.status).toBe(200);
      expect(body).toContain('الماء والزراعة في سنوات الجفاف');
      // Reachable from the readers' emails, not offered to search engines.
      expect(body).toContain('<meta name="robots" content="noindex, follow">');
    }
    const listed = await addEdition({ status: 'sent', createdAt: at('2026-11-25T08:00:00Z') }, ['submitted']);
    expect(await (await get(`/newsletter/archive/${listed.id}`)).text()).not.toContain('noindex');
    expect(editionLinks(await (await get('/newsletter/archive')).text())).toEqual([listed.id]);
    for (const path of ['/newsletter/feed.rss', '/newsletter/feed.atom', '/newsletter/feed.json']) {
      const feed = await (await get(path)).text();
      for (const edition of stopped) expect(feed, path).not.toContain(edition.id);
      expect(feed).toContain(listed.id);
    }

    // Resumed and sending again: listed again, at its place.
    await deps.db.update(editions).set({ status: 'sending' }).where(eq(editions.id, stopped[0]!.id)).run();
    expect(editionLinks(await (await get('/newsletter/archive')).text())).toEqual([listed.id, stopped[0]!.id]);
  });

  it('is a 404 too once every piece of it was withdrawn', async () => {
    const edition = await sendToday();
    await deps.db.update(articles).set({ status: 'draft' }).where(eq(articles.id, pieceId)).run();
    expect((await get(`/newsletter/archive/${edition.id}`)).status).toBe(404);
    expect(editionLinks(await (await get('/newsletter/archive')).text())).toEqual([]);
  });
});

describe('the edition feeds', () => {
  const FEEDS = [
    ['/newsletter/feed.rss', 'application/rss+xml; charset=utf-8', '<language>ar</language>'],
    ['/newsletter/feed.atom', 'application/atom+xml; charset=utf-8', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'],
  ] as const;

  it.each(FEEDS)('%s is well-formed, in Arabic, one item per edition dated when it first went out', async (path, type, lang) => {
    const edition = await sendToday();
    await addEdition({ status: 'paused', createdAt: at('2026-11-28T08:00:00Z') }, ['submitted']);
    const res = await get(path);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=600');
    const xml = await res.text();
    assertWellFormedXml(xml);
    expect(xml).toContain(lang);
    const feed = parseFeed(xml);
    expect(feed.language).toBe('ar');
    const [item, ...rest] = feed.items;
    expect(rest).toEqual([]);
    expect(item?.title).toBe('نشرة: النشرة اليومية، 29 نوفمبر 2026');
    expect(item?.url).toBe(`https://nashra.test/newsletter/archive/${edition.id}`);
    expect(item?.published?.toISOString()).toBe('2026-11-29T08:00:00.000Z');
    expect(item?.content).toContain('الماء والزراعة في سنوات الجفاف');
    expect(item?.content).toContain('dir="rtl"');
    expect(item?.content).toContain('utm_medium=feed');
    expect(parseAnyFeed(xml).format).toBe(path.endsWith('rss') ? 'rss' : 'atom');
  });

  it('/newsletter/feed.json is JSON Feed 1.1 in Arabic', async () => {
    const edition = await sendToday();
    const res = await get('/newsletter/feed.json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const text = await res.text();
    expect(parseAnyFeed(text).format).toBe('json');
    const feed = JSON.parse(text) as Record<string, any>;
    expect(feed).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'ar', feed_url: 'https://nashra.test/newsletter/feed.json', home_page_url: 'https://nashra.test/newsletter/archive' });
    expect(feed.items).toEqual([
      expect.objectContaining({
        id: `https://nashra.test/newsletter/archive/${edition.id}`,
        url: `https://nashra.test/newsletter/archive/${edition.id}`,
        title: 'نشرة: النشرة اليومية، 29 نوفمبر 2026',
        date_published: '2026-11-29T08:00:00.000Z',
        language: 'ar',
      }),
    ]);
  });

  it('keeps an edition\'s date and the feed\'s bytes when it is reopened for a late reader', async () => {
    await sendToday();
    const before = await get('/newsletter/feed.atom');
    const etag = before.headers.get('etag') as string;
    deps.clock.set('2026-11-29T15:00:00Z');
    await addSubscriber(deps, { email: 'late@example.com' });
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    const [edition] = await deps.db.select().from(editions).all();
    expect(edition?.completedAt?.toISOString()).toBe('2026-11-29T15:00:00.000Z');
    const after = await get('/newsletter/feed.atom', { 'if-none-match': etag });
    expect(after.status).toBe(304);
    expect(after.headers.get('etag')).toBe(etag);
  });

  it('stays well-formed and shows the text as written for hostile titles and site names', async () => {
    deps.config = { ...deps.config, SITE_NAME: 'منبر ]]> <b>&amp;</b>' };
    const hostile = 'عنوان ]]> <script>alert(1)</script> &amp; & \u0001\u000b\uFFFE ختام';
    await deps.db.update(articles).set({ title: hostile, summary: 'ملخص ]]]]><![CDATA[> <x>' }).where(eq(articles.id, pieceId)).run();
    await sendToday();
    const shown = 'عنوان ]]> <script>alert(1)</script> &amp; &  ختام';
    for (const path of ['/newsletter/feed.rss', '/newsletter/feed.atom']) {
      const xml = await (await get(path)).text();
      assertWellFormedXml(xml);
      // XML text, as the parser reads it back: the name exactly as configured.
      expect(xml).toContain('<title>منبر ]]&gt; &lt;b&gt;&amp;amp;&lt;/b&gt;: أرشيف النشرة البريدية</title>');
      const feed = parseFeed(xml);
      expect(feed.items[0]?.title).toBe('منبر ]]> <b>&amp;</b>: النشرة اليومية، 29 نوفمبر 2026');
      expect(feed.items[0]?.description).toContain(shown);
      // Readers get the pieces' text as HTML text, never as markup (feed-parser decodes it, so the XML is checked).
      expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &amp;  ختام');
      expect(xml).not.toContain('<script>');
    }
    const json = (await (await get('/newsletter/feed.json')).json()) as { items: { summary: string; content_html: string }[] };
    expect(json.items[0]?.summary).toBe(shown);
    expect(json.items[0]?.content_html).toContain('&lt;script&gt;');
    const page = await (await get('/newsletter/archive')).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;');
  });

  it('answers 304 to a matching If-None-Match, and gives the feed stylesheet\'s browsers generic XML', async () => {
    await sendToday();
    for (const path of ['/newsletter/feed.rss', '/newsletter/feed.atom', '/newsletter/feed.json']) {
      const first = await get(path);
      const etag = first.headers.get('etag') as string;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await get(path, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
    const browser = await get('/newsletter/feed.rss', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(browser.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await browser.text()).toContain('<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>');
  });

  it('is an empty, valid feed before any edition went out', async () => {
    await addEdition({ status: 'review', createdAt: at('2026-11-28T08:00:00Z') });
    const xml = await (await get('/newsletter/feed.atom')).text();
    assertWellFormedXml(xml);
    expect(parseFeed(xml).items).toEqual([]);
    expect(xml).toContain('<updated>1970-01-01T00:00:00.000Z</updated>');
  });
});
