/**
 * Which edition a piece lands in when its write and the planning tick cross: a piece listed
 * just before a reader's moment but stored only after the tick read the pieces goes in the next
 * edition; none is lost and none comes twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleInputSchema } from '../../src/articles/input.js';
import { updateArticle } from '../../src/articles/service.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { getArticlesByIds } from '../../src/storage/articles.js';
import { editions } from '../../src/storage/schema.js';
import { articleBody, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T05:00:00Z' });
});
afterEach(() => deps.close());

const MOMENT = Date.parse('2026-11-29T08:00:00Z'); // the first tick after 07:00 in Casablanca (UTC+1)
const NEXT_MOMENT = MOMENT + 86_400_000;

/** A piece written at `at` (its listing time: the write's clock) and published an hour before. */
async function pieceWrittenAt(at: number, title: string) {
  deps.clock.set(new Date(at).toISOString());
  return addArticle(deps, { title, publishedAt: new Date(at - 3_600_000).toISOString() });
}

async function tickAt(at: number) {
  deps.clock.set(new Date(at).toISOString());
  await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
}

/** For each digest the reader got, in turn: the titles of its pieces, sorted. */
async function titlesPerDigest(): Promise<string[][]> {
  const rows = await deps.db.select().from(editions).orderBy(editions.windowEnd).all();
  const sent = rows.filter((e) => e.status === 'sent');
  expect(deps.mailer.sent).toHaveLength(sent.length);
  return Promise.all(sent.map(async (e) => (await getArticlesByIds(deps.db, JSON.parse(e.articleIds) as string[])).map((a) => a.title).sort()));
}

describe('the edges of an edition\'s window', () => {
  it('puts a piece stored after the tick that planned its moment into the next edition, once', async () => {
    await pieceWrittenAt(MOMENT - 3 * 3_600_000, 'قبل الموعد بساعات');
    const reader = await addSubscriber(deps);
    await tickAt(MOMENT);
    // Listed two seconds before the moment, but its write commits after the tick read the pieces.
    await pieceWrittenAt(MOMENT - 2_000, 'كُتب أثناء التخطيط');
    await tickAt(MOMENT + 15 * 60_000); // later ticks the same day plan nothing new
    await tickAt(NEXT_MOMENT);
    await tickAt(NEXT_MOMENT + 15 * 60_000);

    expect(await titlesPerDigest()).toEqual([['قبل الموعد بساعات'], ['كُتب أثناء التخطيط']]);
    expect(deps.mailer.sent.map((m) => m.to)).toEqual([reader.email, reader.email]);
    expect(deps.mailer.sent[1]?.text).toContain('كُتب أثناء التخطيط');
    expect(deps.mailer.sent[1]?.text).not.toContain('قبل الموعد بساعات');
  });

  it('sends a piece stored just before the moment at that moment, and not again in the next edition', async () => {
    await addSubscriber(deps);
    await pieceWrittenAt(MOMENT - 2_000, 'قبل الموعد بثانيتين');
    await pieceWrittenAt(MOMENT, 'في لحظة الموعد');
    await tickAt(MOMENT);
    await pieceWrittenAt(MOMENT + 60_000, 'بعد الموعد');
    await tickAt(NEXT_MOMENT);

    expect(await titlesPerDigest()).toEqual([['في لحظة الموعد', 'قبل الموعد بثانيتين'], ['بعد الموعد']]);
  });

  it('takes a piece of the last edition again only when it was withdrawn and published anew since', async () => {
    await addSubscriber(deps);
    await pieceWrittenAt(MOMENT - 1_000, 'بقي منشورًا');
    const back = await pieceWrittenAt(MOMENT - 1_000, 'سُحب ثم عاد');
    await tickAt(MOMENT);
    deps.clock.set(new Date(MOMENT + 3_600_000).toISOString());
    await updateArticle(deps, back.id, articleInputSchema.parse(articleBody({ title: back.title, status: 'draft' })));
    await updateArticle(deps, back.id, articleInputSchema.parse(articleBody({ title: back.title, publishedAt: new Date(MOMENT - 3_600_000).toISOString() })));
    await tickAt(NEXT_MOMENT);
    await tickAt(NEXT_MOMENT + 86_400_000);

    expect(await titlesPerDigest()).toEqual([['بقي منشورًا', 'سُحب ثم عاد'], ['سُحب ثم عاد']]);
    const third = (await deps.db.select().from(editions).orderBy(editions.windowEnd).all())[2];
    expect(third?.status).toBe('skipped');
  });
});
