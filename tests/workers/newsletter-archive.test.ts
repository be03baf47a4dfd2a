/**
 * The newsletter archive on Workers with D1: editions as sending leaves them in D1 (one sent,
 * one still sending with a delivery submitted, one cancelled after a delivery was submitted,
 * one nobody got) show on the archive page, at their own address and in the Atom feed of
 * editions, or stay out.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createArticle } from './support/api.js';
import { findAll, parseXml } from './support/xml.js';

const DAY = 86_400_000;
const T0 = Date.parse('2025-11-18T08:00:00Z');

/** An edition of `articleId` created `day` days after T0, with one delivery in `delivery` state (submitted a minute after). */
async function addEdition(id: string, status: string, day: number, articleId: string, delivery: 'submitted' | 'pending'): Promise<void> {
  const at = T0 + day * DAY;
  const period = new Date(at).toISOString().slice(0, 10);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO editions (id, cadence, period_key, segment_key, status, window_end, article_ids, send_after, created_at, completed_at, first_submitted_at)
       VALUES (?1, 'daily', ?2, 'all', ?3, ?4, ?5, ?4, ?4, ?6, ?7)`,
    ).bind(id, period, status, at, JSON.stringify([articleId]), status === 'sent' ? at + 3_600_000 : null, delivery === 'submitted' ? at + 60_000 : null),
    env.DB.prepare(
      `INSERT INTO subscribers (id, email, status, frequency, created_at, updated_at, consent_at, consent_source, consent_policy_version)
       VALUES (?1, ?2, 'confirmed', 'daily', ?3, ?3, ?3, 'api', '2026-11')`,
    ).bind(`reader-${id}`, `${id}@example.com`, at),
    env.DB.prepare(
      `INSERT INTO deliveries (id, edition_id, subscriber_id, cadence, period_key, status, created_at, submitted_at)
       VALUES (?1, ?2, ?3, 'daily', ?4, ?5, ?6, ?7)`,
    ).bind(`delivery-${id}`, id, `reader-${id}`, period, delivery, at, delivery === 'submitted' ? at + 60_000 : null),
  ]);
}

async function threeEditions(): Promise<void> {
  const piece = await createArticle({ title: 'الدرهم والتضخم: ما الذي تغيّر؟', publishedAt: '2025-11-18T06:30:00Z' });
  await addEdition('sent-edition', 'sent', 0, piece.id, 'submitted');
  await addEdition('sending-edition', 'sending', 1, piece.id, 'submitted');
  await addEdition('cancelled-edition', 'cancelled', 2, piece.id, 'submitted');
  await addEdition('unsent-edition', 'sending', 3, piece.id, 'pending');
}

describe('newsletter archive on Workers', () => {
  it('lists and shows editions that went out, opens a cancelled one for its readers, and keeps the others out', async () => {
    await threeEditions();

    const archive = await call('/newsletter/archive');
    expect(archive.status).toBe(200);
    const page = await archive.text();
    expect(page).toMatch(/<html lang="ar" dir="rtl">/);
    const listed = [...page.matchAll(/href="\/newsletter\/archive\/([\w-]+)"/g)].map((m) => m[1]);
    expect(listed).toEqual(['sending-edition', 'sent-edition']);
    expect(page).toContain('الدرهم والتضخم: ما الذي تغيّر؟');
    expect(page).not.toContain('@example.com');

    const shown = await call('/newsletter/archive/sent-edition');
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('اقرأ المقال');
    // Cancelled after a reader got it: their "view in browser" opens, but it is not listed.
    const cancelled = await call('/newsletter/archive/cancelled-edition');
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain('<meta name="robots" content="noindex, follow">');
    const missing = await call('/newsletter/archive/unsent-edition');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('لم نجد هذا العدد');

    const english = await call('/newsletter/archive/sent-edition?lang=en');
    expect(await english.text()).toMatch(/<html lang="en" dir="ltr">[\s\S]*<li class="card piece" lang="ar" dir="rtl">/);
  });

  it('serves the Atom feed of editions: well-formed, in Arabic, dated by the first submission, with 304s', async () => {
    await threeEditions();
    const res = await call('/newsletter/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(await res.text());
    expect(feed.attrs['xml:lang']).toBe('ar');
    const entries = findAll(feed, 'entry');
    const text = (entry: (typeof entries)[number], name: string) => findAll(entry, name)[0]?.text;
    expect(entries.map((e) => text(e, 'id'))).toEqual(['sending-edition', 'sent-edition'].map((id) => `https://nashra.test/newsletter/archive/${id}`));
    // When the first delivery was submitted, not when the edition completed.
    expect(entries.map((e) => text(e, 'published'))).toEqual([T0 + DAY + 60_000, T0 + 60_000].map((t) => new Date(t).toISOString()));
    expect(text(entries[0]!, 'content')).toContain('الدرهم والتضخم: ما الذي تغيّر؟');

    const etag = res.headers.get('etag') as string;
    expect((await call('/newsletter/feed.atom', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
