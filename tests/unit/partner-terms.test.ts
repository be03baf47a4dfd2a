/** A partner's terms, enforced in every feed format and every API answer, on Node. */
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articlePageSchema, partnerArticleSchema } from '../../src/partners/schemas.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

const SECRET_SENTENCE = 'هذه جملة فريدة من متن المقال لا تظهر إلا في النص الكامل';
const SUMMARY = 'ملخص <قصير> & واضح';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let ids: { opinion: string; news: string; embargoed: string };
beforeEach(async () => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
  app = createTestApp(deps);
  const opinion = await addArticle(deps, {
    title: 'مقال رأي',
    summary: SUMMARY,
    contentHtml: `<p>${SECRET_SENTENCE}</p><figure><img src="https://site.test/images/inline.jpg" alt="داخلية"></figure>`,
    publishedAt: '2026-11-29T06:00:00Z',
  });
  const news = await addArticle(deps, { title: 'خبر من قسم آخر', section: { name: 'أخبار', slug: 'news' }, publishedAt: '2026-11-29T07:00:00Z' });
  const embargoed = await addArticle(deps, { title: 'مقال تحت الحظر', publishedAt: '2026-11-29T07:45:00Z' });
  ids = { opinion: opinion.id, news: news.id, embargoed: embargoed.id };
  deps.clock.advance(5_000); // past the API's settle delay for changes just written
});
afterEach(() => deps.close());

async function partnerKey(body: Record<string, unknown>): Promise<string> {
  const res = await app.request('/api/admin/partners', { method: 'POST', headers: adminHeaders, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: { value: string } }).key.value;
}

type Item = { id: string; title: string; link: string; html: string };

/** Every answer a partner can get, with the items each one holds as a reader sees them. */
async function everything(key: string): Promise<{ raw: string[]; byFormat: Record<string, Item[]> }> {
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, text: await res.text() };
  };
  const raw: string[] = [];
  const byFormat: Record<string, Item[]> = {};
  for (const format of ['rss', 'atom'] as const) {
    const { text } = await get(`/partners/feed.${format}`);
    assertWellFormedXml(text);
    raw.push(text);
    // The item HTML as written (the parser would decode its entities).
    const html = [...text.matchAll(format === 'rss' ? /<content:encoded><!\[CDATA\[(.*?)\]\]><\/content:encoded>/gs : /<content type="html"><!\[CDATA\[(.*?)\]\]><\/content>/gs)].map((m) => m[1] ?? '');
    byFormat[format] = parseFeed(text).items.map((i, n) => ({ id: i.id ?? '', title: i.title ?? '', link: i.url ?? '', html: html[n] ?? '' }));
  }
  const json = await get('/partners/feed.json');
  raw.push(json.text);
  byFormat.json = (JSON.parse(json.text) as { items: { id: string; title: string; url: string; content_html: string }[] }).items.map((i) => ({ id: i.id, title: i.title, link: i.url, html: i.content_html }));
  const list = await get('/api/partner/v1/articles');
  raw.push(list.text);
  const page = articlePageSchema.parse(JSON.parse(list.text));
  byFormat.api = page.items.flatMap((i) => (i.deleted ? [] : [{ id: i.id, title: i.title, link: i.canonicalUrl, html: i.contentHtml }]));
  for (const id of Object.values(ids)) {
    const one = await get(`/api/partner/v1/articles/${id}`);
    raw.push(one.text);
    if (one.status === 200) partnerArticleSchema.parse(JSON.parse(one.text));
  }
  return { raw, byFormat };
}

describe('partner terms', () => {
  it('summary only, some sections, an embargo and no images: in RSS, Atom, JSON Feed and the API alike', async () => {
    const key = await partnerKey({ name: 'Summary Co', slug: 'summ', content: 'summary', sections: ['opinion'], embargoMinutes: 30, includeImages: false, attributionText: 'نقلًا عن' });
    let { raw, byFormat } = await everything(key);
    for (const text of raw) {
      expect(text).not.toContain(SECRET_SENTENCE);
      expect(text).not.toContain('images/a.jpg');
      expect(text).not.toContain('inline.jpg');
      expect(text).not.toContain('خبر من قسم آخر');
      expect(text).not.toContain('مقال تحت الحظر');
    }
    const link = `https://site.test/articles/${encodeURIComponent('مقال-رأي')}?utm_source=summ&utm_medium=syndication`;
    for (const [format, items] of Object.entries(byFormat)) {
      expect(items.map((i) => i.title), format).toEqual(['مقال رأي']);
      expect(items[0]?.link, format).toBe(link);
      expect(items[0]?.html, format).toContain('<p>ملخص &lt;قصير&gt; &amp; واضح</p>');
      expect(items[0]?.html, format).toContain(`نقلًا عن <a href="${link.replace(/&/g, '&amp;')}">نشرة</a>`);
    }
    expect((await app.request(`/api/partner/v1/articles/${ids.embargoed}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await app.request(`/api/partner/v1/articles/${ids.news}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);

    deps.clock.set('2026-11-29T08:14:59.999Z'); // a moment before 30 minutes after 07:45
    for (const text of (await everything(key)).raw) expect(text).not.toContain('مقال تحت الحظر');
    deps.clock.set('2026-11-29T08:15:00Z');
    expect(await (await app.request('/partners/feed.atom', { headers: { authorization: `Bearer ${key}` } })).text()).toContain('مقال تحت الحظر');
    deps.clock.set('2026-11-29T08:15:02Z'); // the change list shows changes once they are 2 s old
    ({ raw, byFormat } = await everything(key));
    for (const text of raw) expect(text).not.toContain(SECRET_SENTENCE);
    for (const [format, items] of Object.entries(byFormat)) {
      expect(items.map((i) => i.title).sort(), format).toEqual(['مقال تحت الحظر', 'مقال رأي'].sort());
    }
    expect((await app.request(`/api/partner/v1/articles/${ids.embargoed}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('full text with images for every section, attribution in the default words', async () => {
    const key = await partnerKey({ name: 'Full Co', slug: 'full' });
    const { raw, byFormat } = await everything(key);
    expect(raw.join('')).toContain('images/a.jpg');
    for (const [format, items] of Object.entries(byFormat)) {
      expect(items.map((i) => i.title).sort(), format).toEqual(['خبر من قسم آخر', 'مقال تحت الحظر', 'مقال رأي'].sort());
      const opinion = items.find((i) => i.title === 'مقال رأي');
      expect(opinion?.html, format).toContain(SECRET_SENTENCE);
      expect(opinion?.html, format).toContain('inline.jpg');
      expect(opinion?.html, format).toMatch(/نُشر هذا المقال أولًا في <a href="https:\/\/site\.test\/articles\/[^"]+\?utm_source=full&amp;utm_medium=syndication">نشرة<\/a><\/p>/);
      expect(opinion?.link, format).toMatch(/\?utm_source=full&utm_medium=syndication$/);
    }
  });

  it('apply changed terms from the next request on', async () => {
    const key = await partnerKey({ name: 'Changing Co', slug: 'changing' });
    const before = await (await app.request('/partners/feed.json', { headers: { authorization: `Bearer ${key}` } })).text();
    expect(before).toContain(SECRET_SENTENCE);
    const patch = await app.request('/api/admin/partners/changing', { method: 'PATCH', headers: adminHeaders, body: JSON.stringify({ content: 'summary', sections: ['news'] }) });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ slug: 'changing', content: 'summary', sections: ['news'], includeImages: true });
    const after = await (await app.request('/partners/feed.json', { headers: { authorization: `Bearer ${key}` } })).text();
    expect(after).not.toContain(SECRET_SENTENCE);
    expect((JSON.parse(after) as { items: { title: string }[] }).items.map((i) => i.title)).toEqual(['خبر من قسم آخر']);
  });
});
