/**
 * What partners receive inside workerd, against D1: terms in every format and the API, and the
 * change stream (complete under concurrent publishing, with tombstones). The change list shows
 * changes once they are 2 s old, so these tests wait that long where they need to.
 */
import { describe, expect, it } from 'vitest';
import { admin, call, createArticle, type ArticleJson } from './support/api.js';
import { deleteArticle, updateArticle } from './support/feeds.js';

const SETTLE_WAIT_MS = 2_100;
const SECRET_SENTENCE = 'جملة فريدة من متن المقال لا يراها شريك الملخص';

type Entry = { id: string; deleted: boolean; title?: string; contentHtml?: string; canonicalUrl?: string };
type Page = { items: Entry[]; nextCursor: string | null; hasMore: boolean };

async function partnerKey(body: Record<string, unknown>): Promise<string> {
  const res = await admin('/api/admin/partners', 'POST', body);
  if (res.status !== 201) throw new Error(`create partner: ${res.status} ${await res.text()}`);
  return (await res.json<{ key: { value: string } }>()).key.value;
}

async function get(key: string, path: string): Promise<{ status: number; text: string }> {
  const res = await call(path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
}

async function pull(key: string, cursor: string | null, limit: number): Promise<Page> {
  const { status, text } = await get(key, `/api/partner/v1/articles?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
  if (status !== 200) throw new Error(`pull: ${status} ${text}`);
  return JSON.parse(text) as Page;
}

async function drain(key: string, cursor: string | null, limit = 100): Promise<{ entries: Entry[]; cursor: string | null }> {
  const entries: Entry[] = [];
  for (;;) {
    const page = await pull(key, cursor, limit);
    entries.push(...page.items);
    cursor = page.nextCursor ?? cursor;
    if (!page.hasMore) return { entries, cursor };
  }
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('partner terms in workerd', () => {
  it('hold in RSS, Atom, JSON Feed and the API: summary only, sections, embargo, images, attribution, UTM', async () => {
    const image = { url: 'https://site.test/images/lead.jpg', type: 'image/jpeg', length: 1000, alt: 'صورة' };
    const visible = await createArticle({ title: 'رأي منشور', summary: 'ملخص الرأي', contentHtml: `<p>${SECRET_SENTENCE}</p><img src="https://site.test/images/inline.jpg">`, image, publishedAt: minutesAgo(90) });
    const embargoed = await createArticle({ title: 'رأي تحت الحظر', image, publishedAt: minutesAgo(30) });
    const news = await createArticle({ title: 'خبر', section: { name: 'أخبار', slug: 'news' }, publishedAt: minutesAgo(90) });
    const key = await partnerKey({ name: 'Summary Co', slug: 'summ', content: 'summary', sections: ['opinion'], embargoMinutes: 60, includeImages: false });
    await scheduler.wait(SETTLE_WAIT_MS);

    const answers = [
      ...(await Promise.all(['rss', 'atom', 'json'].map((f) => get(key, `/partners/feed.${f}`)))),
      await get(key, '/api/partner/v1/articles'),
      ...(await Promise.all([visible, embargoed, news].map((a) => get(key, `/api/partner/v1/articles/${a.id}`)))),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 404, 404]);
    for (const { text } of answers) {
      expect(text).not.toContain(SECRET_SENTENCE);
      expect(text).not.toContain('images/');
      expect(text).not.toContain('رأي تحت الحظر');
      expect(text).not.toMatch(/>خبر<|"خبر"/);
    }
    const utm = 'utm_source=summ&utm_medium=syndication';
    for (const { text } of answers.slice(0, 5)) {
      expect(text).toContain('رأي منشور');
      expect(text).toContain('ملخص الرأي');
      expect(text.includes(utm) || text.includes(utm.replace('&', '&amp;'))).toBe(true);
      expect(text).toContain('نُشر هذا المقال أولًا في');
    }
    const one = JSON.parse(answers[4]?.text ?? '{}') as Entry;
    expect(one.canonicalUrl).toBe(`${visible.canonicalUrl}?${utm}`);
    expect(one.contentHtml).toMatch(/^<p>ملخص الرأي<\/p><hr><p dir="rtl" lang="ar">نُشر هذا المقال أولًا في <a href="[^"]+">نشرة<\/a><\/p>$/);
  }, 20_000);
});

describe('partner change stream in workerd', () => {
  it('misses nothing and repeats nothing while articles are published during the pulls', async () => {
    const key = await partnerKey({ name: 'Sync Co', slug: 'sync', rateLimitPerMinute: 1000 });
    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push((await createArticle()).id);
    await scheduler.wait(SETTLE_WAIT_MS);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 4; round++) {
      // The page is read while two more articles are written.
      const [page, ...added]: [Page, ArticleJson, ArticleJson] = await Promise.all([pull(key, cursor, 2), createArticle(), createArticle()]);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? cursor;
      published.push(...added.map((a) => a.id));
    }
    await scheduler.wait(SETTLE_WAIT_MS);
    const rest = await drain(key, cursor, 3);
    seen.push(...rest.entries.map((i) => i.id));
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...published].sort());
  }, 20_000);

  it('tells a partner to remove articles deleted, unpublished or moved out of its sections', async () => {
    const [a, b, c, d] = [await createArticle(), await createArticle(), await createArticle(), await createArticle()];
    const news = await createArticle({ section: { name: 'أخبار', slug: 'news' } });
    const key = await partnerKey({ name: 'Opinion Co', slug: 'opinion-co', sections: ['opinion'] });
    await scheduler.wait(SETTLE_WAIT_MS);
    const first = await drain(key, null);
    expect(first.entries.map((e) => e.id)).toEqual([a, b, c, d].map((x) => x?.id));

    await deleteArticle(a as ArticleJson);
    await updateArticle(b as ArticleJson, { status: 'draft', publishedAt: undefined });
    await updateArticle(c as ArticleJson, { section: { name: 'أخبار', slug: 'news' } });
    await updateArticle(d as ArticleJson, { title: 'عنوان جديد' });
    await deleteArticle(news);
    await scheduler.wait(SETTLE_WAIT_MS);
    const next = await drain(key, first.cursor);
    expect(next.entries.map((e) => [e.id, e.deleted])).toEqual([
      [a?.id, true],
      [b?.id, true],
      [c?.id, true],
      [d?.id, false],
    ]);
    expect(next.entries[3]).toMatchObject({ title: 'عنوان جديد' });
    expect(next.entries[0]).toEqual({ id: a?.id, deleted: true, deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  }, 20_000);
});
