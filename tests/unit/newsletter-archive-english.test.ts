/**
 * The archive in English: an English reader's "view in browser" link opens the edition's page
 * in English around the Arabic pieces, and every link between the English pages stays English.
 * Through the HTTP app, with the real in-memory SQLite and the real digest flow.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import type { MailMessage } from '../../src/email/mailer.js';
import { articles, editions, type EditionRow } from '../../src/storage/schema.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;

beforeEach(async () => {
  deps = createTestDeps({ now: '2026-11-29T05:00:00Z' });
  app = createTestApp(deps);
  await addArticle(deps, { title: 'الماء والزراعة في سنوات الجفاف', publishedAt: '2026-11-29T05:00:00Z' });
});
afterEach(() => deps.close());

const html = async (path: string) => {
  const res = await app.request(path);
  return { res, body: await res.text() };
};

/** Today's edition, sent to an Arabic and an English reader; their messages by address. */
async function sendToBoth(): Promise<{ edition: EditionRow; ar: MailMessage; en: MailMessage }> {
  await addSubscriber(deps, { email: 'layla@example.com', locale: 'ar' });
  await addSubscriber(deps, { email: 'sam@example.com', locale: 'en' });
  deps.clock.set('2026-11-29T08:00:00Z');
  await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
  const [edition] = await deps.db.select().from(editions).all();
  const to = (email: string) => deps.mailer.sent.find((m) => m.to === email) as MailMessage;
  return { edition: edition as EditionRow, ar: to('layla@example.com'), en: to('sam@example.com') };
}

/** The "view in browser" address of a digest (its text part). */
const viewInBrowser = (m: MailMessage) => /(https:\/\/nashra\.test\/newsletter\/archive\/\S+)/.exec(m.text)?.[1] as string;

describe('the archive in English', () => {
  it('is where an English digest\'s "view in browser" leads: English around the Arabic pieces', async () => {
    const { edition, ar, en } = await sendToBoth();
    expect(viewInBrowser(ar)).toBe(`https://nashra.test/newsletter/archive/${edition.id}`);
    expect(viewInBrowser(en)).toBe(`https://nashra.test/newsletter/archive/${edition.id}?lang=en`);
    expect(en.html).toContain(`href="https://nashra.test/newsletter/archive/${edition.id}?lang=en"`);

    const url = new URL(viewInBrowser(en));
    const { res, body } = await html(url.pathname + url.search);
    expect(res.status).toBe(200);
    expect(body).toMatch(/<html lang="en" dir="ltr">/);
    expect(body).toContain('<h1>نشرة: daily digest, 29 November 2026</h1>');
    expect(body).toContain('Daily digest · Sunday, 29 November 2026');
    // Each piece keeps its Arabic language and direction; the page's own words inside it are marked English.
    const piece = /<li class="card piece"([^>]*)>([\s\S]*?)<\/li>/.exec(body);
    expect(piece?.[1]).toBe(' lang="ar" dir="rtl"');
    expect(piece?.[2]).toContain('الماء والزراعة في سنوات الجفاف');
    expect(piece?.[2]).toContain('<span lang="en" dir="ltr">29 November 2026</span>');
    expect(piece?.[2]).toContain('<span lang="en" dir="ltr">Read the piece</span></a>');
    expect(body).toContain('href="/newsletter/archive?lang=en">Newsletter archive</a>');
    expect(body).toContain('href="/subscribe?lang=en"');
    expect(body).toContain(`<a href="/newsletter/archive/${edition.id}" hreflang="ar" lang="ar">العربية</a>`);
    expect(body).not.toContain('sam@example.com');
    expect(body).not.toMatch(/<script|token=/);

    // The Arabic page is unchanged by it, and offers the English one.
    const arabic = await html(`/newsletter/archive/${edition.id}`);
    expect(arabic.body).toMatch(/<html lang="ar" dir="rtl">/);
    expect(arabic.body).toContain('<h1>نشرة: النشرة اليومية، 29 نوفمبر 2026</h1>');
    expect(arabic.body).toContain(`<a href="/newsletter/archive/${edition.id}?lang=en" hreflang="en" lang="en">English</a>`);
    expect(arabic.res.headers.get('etag')).not.toBe(res.headers.get('etag'));
  });

  it('lists the editions in English, each linking to its English page, and says not found in English', async () => {
    const { edition } = await sendToBoth();
    const { res, body } = await html('/newsletter/archive?lang=en');
    expect(res.status).toBe(200);
    expect(body).toMatch(/<html lang="en" dir="ltr">/);
    expect(body).toContain('<h1>Newsletter archive</h1>');
    expect(body).toContain(`<a href="/newsletter/archive/${edition.id}?lang=en">Sunday, 29 November 2026</a>`);
    expect(body).toContain('<ul lang="ar" dir="rtl"><li>الماء والزراعة في سنوات الجفاف</li></ul>');
    expect(body).toContain('href="/newsletter/feed.atom"');

    const missing = await html('/newsletter/archive/no-such-edition?lang=en');
    expect(missing.res.status).toBe(404);
    expect(missing.body).toMatch(/<html lang="en" dir="ltr">/);
    expect(missing.body).toContain('We could not find this edition');
    expect(missing.body).toContain('href="/newsletter/archive?lang=en"');
  });

  it('keeps English when paging back through older editions', async () => {
    const [piece] = await deps.db.select().from(articles).all();
    for (let day = 0; day < 21; day++) {
      const createdAt = new Date(Date.UTC(2026, 9, 1 + day, 8));
      await deps.db.insert(editions).values({
        id: `edition-${String(day).padStart(2, '0')}`, cadence: 'daily', periodKey: createdAt.toISOString().slice(0, 10), segmentKey: 'all', status: 'sent',
        windowStart: null, windowEnd: createdAt, articleIds: JSON.stringify([piece?.id]), sendAfter: createdAt, createdAt, completedAt: createdAt,
      }).run();
    }
    const first = await html('/newsletter/archive?lang=en');
    const older = /href="([^"]+)" rel="next">Older editions<\/a>/.exec(first.body)?.[1]?.replace(/&amp;/g, '&') as string;
    expect(older).toMatch(/^\/newsletter\/archive\?before=\d+\.edition-01&lang=en$/); // after the last one shown
    const second = await html(older);
    expect(second.body).toMatch(/<html lang="en" dir="ltr">/);
    expect(second.body).toContain('href="/newsletter/archive/edition-00?lang=en"');
    expect(second.body).toContain('href="/newsletter/archive?lang=en">Newer editions</a>');
    expect(second.body).toContain('<meta name="robots" content="noindex, follow">');
  });

  it('answers a malformed cursor with the friendly 400 page in the language asked for', async () => {
    const en = await html('/newsletter/archive?lang=en&before=not-a-cursor');
    expect(en.res.status).toBe(400);
    expect(en.body).toMatch(/<html lang="en" dir="ltr"/);
    const ar = await html('/newsletter/archive?before=not-a-cursor');
    expect(ar.res.status).toBe(400);
    expect(ar.body).toMatch(/<html lang="ar" dir="rtl"/);
    expect(ar.body).not.toMatch(/\bat \S+:\d+|AppError/); // no stack trace
  });
});
