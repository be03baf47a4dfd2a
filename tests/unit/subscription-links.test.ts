/** The links in every email over HTTP: the preference centre, one-click unsubscribe, and undo. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suppressions } from '../../src/storage/schema.js';
import { findSubscriberByEmail, findSubscriberTopics, updateSubscriber } from '../../src/storage/subscribers.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import { signToken } from '../../src/subscribers/tokens.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { checkedValues, formAction, formPost, hrefs, invalidControls, parsePage, selectedOption, signUpAndConfirm, type Page } from './subscription-support.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let sectionIds: Record<string, string>;
beforeEach(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  const opinion = await addArticle(deps, { section: { name: 'رأي', slug: 'opinion' } });
  const economy = await addArticle(deps, { title: 'مقال آخر', section: { name: 'اقتصاد', slug: 'economy' } });
  sectionIds = { opinion: opinion.sectionId, economy: economy.sectionId };
});
afterEach(() => deps.close());

const link = (page: Page, path: string) => {
  const href = hrefs(page).find((h) => h.startsWith(`${path}?token=`));
  if (!href) throw new Error(`no ${path} link`);
  return href;
};
const subscriber = async (email: string) => (await findSubscriberByEmail(deps.db, email))!;
const unsubscribeToken = async (email: string) => signToken(deps.config.SECRET_KEY, 'unsubscribe', (await subscriber(email)).id, deps.clock.now());

describe('the preference centre', () => {
  it('shows the current choices and saves new ones, topics and all, with a status message', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'p@example.com', { frequency: 'weekly', sections: 'opinion', preferredHour: '7' });
    const prefsLink = link(confirmed, '/preferences');
    const before = parsePage(await (await app.request(prefsLink)).text());
    expect(checkedValues(before, 'frequency')).toEqual(['weekly']);
    expect(checkedValues(before, 'sections')).toEqual(['opinion']);
    expect(selectedOption(before, 'preferredHour')).toBe('7');
    expect(selectedOption(before, 'timezone')).toBe('Africa/Casablanca');
    expect(checkedValues(before, 'locale')).toEqual(['ar']);
    expect(before.text).not.toContain('حُفظت');

    const res = await app.request(formAction(before, '/preferences'), formPost({ frequency: 'daily', sections: 'economy', timezone: 'Asia/Dubai', preferredHour: '21', locale: 'ar' }));
    expect(res.status).toBe(200);
    const after = parsePage(await res.text());
    expect(after.text).toContain('حُفظت تفضيلاتك.');
    expect(checkedValues(after, 'sections')).toEqual(['economy']);
    const s = await subscriber('p@example.com');
    expect(s).toMatchObject({ frequency: 'daily', timezone: 'Asia/Dubai', preferredHour: 21, locale: 'ar', status: 'confirmed' });
    expect(await findSubscriberTopics(deps.db, s.id)).toEqual({ sections: [sectionIds.economy], authors: [] });

    // No box ticked: every section again.
    await app.request(formAction(after, '/preferences'), formPost({ frequency: 'daily', timezone: 'Asia/Dubai', preferredHour: '21', locale: 'ar' }));
    expect(await findSubscriberTopics(deps.db, s.id)).toEqual({ sections: [], authors: [] });
  });

  it('shows the weekly digest\'s day chosen at sign-up, and saves a new one', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'day@example.com', { frequency: 'weekly', preferredWeekday: '3' });
    const before = parsePage(await (await app.request(link(confirmed, '/preferences'))).text());
    expect(selectedOption(before, 'preferredWeekday')).toBe('3');
    const res = await app.request(formAction(before, '/preferences'), formPost({ frequency: 'weekly', preferredWeekday: '7', timezone: 'Asia/Riyadh', preferredHour: '6', locale: 'ar' }));
    expect(res.status).toBe(200);
    expect(selectedOption(parsePage(await res.text()), 'preferredWeekday')).toBe('7');
    expect(await subscriber('day@example.com')).toMatchObject({ frequency: 'weekly', preferredWeekday: 7, preferredHour: 6, timezone: 'Asia/Riyadh' });
  });

  it('keeps the day when a form without it is sent, and refuses a day that is not one', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'keep-day@example.com', { frequency: 'weekly', preferredWeekday: '2' });
    const action = formAction(parsePage(await (await app.request(link(confirmed, '/preferences'))).text()), '/preferences');
    await app.request(action, formPost({ frequency: 'daily', timezone: 'UTC', preferredHour: '7', locale: 'ar' }));
    expect(await subscriber('keep-day@example.com')).toMatchObject({ frequency: 'daily', preferredWeekday: 2 });
    const bad = await app.request(action, formPost({ frequency: 'weekly', preferredWeekday: '8', timezone: 'UTC', preferredHour: '7', locale: 'ar' }));
    expect(bad.status).toBe(400);
    expect(invalidControls(parsePage(await bad.text()))).toEqual([{ name: 'preferredWeekday', described: ['للنشرة الأسبوعية وحدها، أما اليومية فتصل كل يوم.', 'اختر يومًا من أيام الأسبوع.'] }]);
    expect(await subscriber('keep-day@example.com')).toMatchObject({ frequency: 'daily', preferredWeekday: 2 });
  });

  it('says, by the sections and authors, that choosing none brings every commentary piece', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'all@example.com');
    const ar = await (await app.request(link(confirmed, '/preferences'))).text();
    expect(parsePage(ar).text).toContain('إن لم تختر أي قسم ولا أي كاتب تصلك كل مقالات الرأي والتحليل.');
    // Just before the sections' checkboxes.
    expect(ar.indexOf('id="topics-all"')).toBeLessThan(ar.indexOf('name="sections"'));
    const en = await (await app.request(`${link(confirmed, '/preferences').replace('lang=ar', 'lang=en')}`)).text();
    expect(parsePage(en).text).toContain('Choose no section and no writer, and you get every opinion and analysis piece.');
  });

  it('answers in the language just chosen, and keeps it in its links', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'lang@example.com');
    const before = parsePage(await (await app.request(link(confirmed, '/preferences'))).text());
    const res = await app.request(formAction(before, '/preferences'), formPost({ frequency: 'daily', timezone: 'UTC', preferredHour: '7', locale: 'en' }));
    const html = await res.text();
    expect(html).toMatch(/<html lang="en" dir="ltr">/);
    expect(html).toContain('Your preferences are saved.');
    expect((await subscriber('lang@example.com')).locale).toBe('en');
    const after = parsePage(html);
    expect(formAction(after, '/preferences')).toMatch(/&lang=en$/);
    expect(link(after, '/unsubscribe')).toMatch(/&lang=en$/);
    // Opened again without ?lang (a digest's link): the stored language.
    const token = new URLSearchParams(formAction(after, '/preferences').split('?')[1]).get('token');
    expect(await (await app.request(`/preferences?token=${token}`)).text()).toMatch(/<html lang="en" dir="ltr">/);
  });

  it('brings the form back with 400 and the values kept for an invalid choice, saving nothing', async () => {
    const confirmed = await signUpAndConfirm(app, deps, 'bad@example.com');
    const before = parsePage(await (await app.request(link(confirmed, '/preferences'))).text());
    const res = await app.request(formAction(before, '/preferences'), formPost({ frequency: 'weekly', sections: 'opinion', timezone: 'Asia/Dubai', preferredHour: '-1', locale: 'ar' }));
    expect(res.status).toBe(400);
    const page = parsePage(await res.text());
    expect(invalidControls(page)).toEqual([{ name: 'preferredHour', described: ['الساعة في منطقتك الزمنية المختارة أعلاه، لا بتوقيت الموقع.', 'اختر ساعة بين 00:00 و23:00.'] }]);
    expect(checkedValues(page, 'frequency')).toEqual(['weekly']);
    expect(selectedOption(page, 'timezone')).toBe('Asia/Dubai');
    expect(await subscriber('bad@example.com')).toMatchObject({ frequency: 'daily', timezone: 'Africa/Casablanca' });
  });

  it('refuses a bad token, or a token of another purpose, with a friendly page', async () => {
    await signUpAndConfirm(app, deps, 'q@example.com');
    for (const path of ['/preferences?token=nope', `/preferences?token=${await unsubscribeToken('q@example.com')}`]) {
      const res = await app.request(path);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('الرابط غير صالح');
    }
  });
});

describe('unsubscribing', () => {
  it('never unsubscribes on GET; shows a button, and a way to fewer emails instead', async () => {
    await signUpAndConfirm(app, deps, 'g@example.com');
    const token = await unsubscribeToken('g@example.com');
    const res = await app.request(`/unsubscribe?token=${token}`);
    expect(res.status).toBe(200);
    const page = parsePage(await res.text());
    expect(page.text).toContain('ألغِ اشتراكي');
    expect(formAction(page, '/unsubscribe')).toBe(`/unsubscribe?token=${token}&lang=ar`);
    expect(link(page, '/preferences')).toBeDefined();
    expect((await subscriber('g@example.com')).status).toBe('confirmed');
  });

  it.each([
    ['url-encoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'List-Unsubscribe=One-Click'],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=XyZ' }, '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n'],
  ])('unsubscribes at once on a one-click POST (%s): 200, no redirect, no cookie', async (_, headers, body) => {
    await signUpAndConfirm(app, deps, 'o@example.com');
    const token = await unsubscribeToken('o@example.com');
    const res = await app.request(`/unsubscribe?token=${token}`, { method: 'POST', headers, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    const page = parsePage(await res.text());
    expect(page.text).toContain('تم إلغاء اشتراكك');
    expect(formAction(page, '/resubscribe')).toBe(`/resubscribe?token=${token}&lang=ar`);
    expect(await subscriber('o@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribedAt: deps.clock.now() });
  });

  it('undoes with the same token: confirmed again with the same choices, no new confirmation', async () => {
    await signUpAndConfirm(app, deps, 'u@example.com', { sections: 'economy', frequency: 'weekly' });
    const mailsBefore = deps.mailer.sent.length;
    const token = await unsubscribeToken('u@example.com');
    const left = parsePage(await (await app.request(`/unsubscribe?token=${token}&lang=en`, { method: 'POST' })).text());
    expect(left.text).toContain('You are unsubscribed');
    const back = await app.request(formAction(left, '/resubscribe'), { method: 'POST' });
    expect(back.status).toBe(200);
    const page = parsePage(await back.text());
    expect(page.text).toContain('You are subscribed again');
    expect(link(page, '/preferences')).toMatch(/&lang=en$/);
    const s = await subscriber('u@example.com');
    expect(s).toMatchObject({ status: 'confirmed', unsubscribedAt: null, frequency: 'weekly' });
    expect(await findSubscriberTopics(deps.db, s.id)).toEqual({ sections: [sectionIds.economy], authors: [] });
    await Promise.all(deps.deferred);
    expect(deps.mailer.sent).toHaveLength(mailsBefore);
  });

  it.each([
    ['on the suppression list', async (id: string, email: string) => {
      await deps.db.insert(suppressions).values({ addressKey: await addressKey(deps.config.SECRET_KEY, email), reason: 'hard_bounce', source: 'smtp', detail: null, createdAt: deps.clock.now() }).run();
      void id;
    }],
    ['marked suppressed', (id: string) => updateSubscriber(deps.db, id, { suppressedAt: deps.clock.now() })],
    ['erased', (id: string) => updateSubscriber(deps.db, id, { erasedAt: deps.clock.now() })],
  ])('refuses the undo with a friendly page for an address %s', async (_, block) => {
    await signUpAndConfirm(app, deps, 'x@example.com');
    const token = await unsubscribeToken('x@example.com');
    await app.request(`/unsubscribe?token=${token}`, { method: 'POST' });
    await block((await subscriber('x@example.com')).id, 'x@example.com');
    const res = await app.request(`/resubscribe?token=${token}`, { method: 'POST' });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('تعذّرت إعادة الاشتراك');
    expect(html).not.toMatch(/at \w+ \(|Error:/);
    expect((await subscriber('x@example.com')).status).toBe('unsubscribed');
  });

  it('keeps pages behind signed links out of caches and search engines', async () => {
    await signUpAndConfirm(app, deps, 'h@example.com');
    const res = await app.request(`/unsubscribe?token=${await unsubscribeToken('h@example.com')}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
  });
});
