/**
 * A feed opened in a browser, inside workerd: the worker answers the browser's Accept with the
 * feed as an Arabic page (built from the JSON Feed document), and a reader's with the feed.
 */
import { describe, expect, it } from 'vitest';
import { call, createArticle } from './support/api.js';
import { itemTitles } from './support/feeds.js';

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const TITLE = 'الزراعة & المناخ: <عام> من "الجفاف"';

/** The text of each item heading on the page, entities decoded (the page escapes them). */
function pageTitles(html: string): string[] {
  return [...html.matchAll(/<li class="card item"><h3>(?:<a [^>]*>)?(.*?)(?:<\/a>)?<\/h3>/g)].map((m) =>
    (m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

describe('a feed opened in a browser', () => {
  it('is an Arabic right-to-left page listing the feed\'s items, with its own ETag', async () => {
    const older = await createArticle({ publishedAt: '2026-01-10T08:00:00Z' });
    await createArticle({ title: TITLE, summary: 'ملخص <b>قصير</b>', publishedAt: '2026-01-11T08:00:00Z', section: { name: 'بيئة', slug: 'environment' } });

    for (const format of ['rss', 'atom', 'json'] as const) {
      const res = await call(`/feed.${format}`, { headers: { accept: CHROME } });
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
      const html = await res.text();
      expect(html).toContain('<html lang="ar" dir="rtl">');
      expect(html).toContain('<meta name="robots" content="noindex">');
      expect(html).not.toMatch(/<script|<b>/);
      expect(html).toContain(`value="https://nashra.test/feed.${format}"`);
      expect(pageTitles(html)).toEqual([TITLE, older.title]);

      const etag = res.headers.get('etag') as string;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await call(`/feed.${format}`, { headers: { accept: CHROME, 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }

    const section = await call('/sections/environment/feed.atom', { headers: { accept: CHROME } });
    expect(pageTitles(await section.text())).toEqual([TITLE]);
  });

  it('is never what a reader gets', async () => {
    const article = await createArticle();
    const page = await call('/feed.rss', { headers: { accept: CHROME } });
    for (const accept of [undefined, '*/*', 'application/rss+xml, application/xml;q=0.9, text/html;q=0.5', 'application/xml, text/html']) {
      const res = await call('/feed.rss', accept === undefined ? {} : { headers: { accept } });
      expect(res.headers.get('content-type'), String(accept)).toMatch(/^application\/(rss\+)?xml; charset=utf-8$/);
      expect(res.headers.get('etag')).not.toBe(page.headers.get('etag'));
      expect(itemTitles('rss', await res.text())).toEqual([article.title]);
    }
    const json = await call('/feed.json');
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(json.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
  });
});
