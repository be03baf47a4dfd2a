import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomUtils } from 'htmlparser2';
import { findSubscriberByEmail, findSubscriberTopics } from '../../src/storage/subscribers.js';
import { signToken } from '../../src/subscribers/tokens.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import {
  byId, checkedValues, elements, formAction, formPost, holdBackgroundWork, hrefs, invalidControls, linkIn, offeredValues, parsePage, selectedOption, unlabelledControls,
  type Page,
} from './subscription-support.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let opinionId: string;
beforeEach(async () => {
  deps = createTestDeps({ config: { DIGEST_TIMEZONE: 'Asia/Amman', DIGEST_HOUR: '6' } });
  app = createTestApp(deps);
  const opinion = await addArticle(deps, { section: { name: 'رأي', slug: 'opinion' }, author: { name: 'سعيد الإدريسي', slug: 'said-idrissi' } });
  opinionId = opinion.sectionId;
  await addArticle(deps, { title: 'مقال آخر', section: { name: 'اقتصاد', slug: 'economy' }, author: { name: 'ليلى بناني', slug: 'layla-bennani' } });
  await addArticle(deps, { title: 'مسودة', status: 'draft', section: { name: 'مسودات', slug: 'drafts' }, author: { name: 'كاتب مجهول', slug: 'nobody' } });
});
afterEach(() => deps.close());

/** What @hono/node-server hands the app: the socket's peer is the client's address. */
const fromPeer = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const post = (path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
  app.request(path, formPost(fields, { 'user-agent': 'Test/1.0', ...headers }), fromPeer('203.0.113.7'));
const settle = () => Promise.all(deps.deferred);
const pageOf = async (res: Response) => parsePage(await res.text());
/** The text of the `<label for=id>`. */
const labelOf = (page: Page, id: string) => DomUtils.textContent(elements(page, (el) => el.name === 'label' && el.attribs.for === id)[0]!).trim();

describe('the sign-up page', () => {
  it('is an accessible Arabic form offering the sections and authors that have published articles', async () => {
    const res = await app.request('/subscribe');
    expect(res.status).toBe(200);
    const html = await res.clone().text();
    const page = await pageOf(res);
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(page.text).toContain('اشترك في نشرة نشرة');
    expect(offeredValues(page, 'sections').sort()).toEqual(['economy', 'opinion']);
    expect(offeredValues(page, 'authors').sort()).toEqual(['layla-bennani', 'said-idrissi']);
    expect(checkedValues(page, 'sections')).toEqual([]);
    expect(checkedValues(page, 'frequency')).toEqual(['daily']);
    expect(selectedOption(page, 'timezone')).toBe('Asia/Amman');
    expect(selectedOption(page, 'preferredHour')).toBe('6');
    expect(selectedOption(page, 'preferredWeekday')).toBe('6'); // DIGEST_WEEKDAY: Saturday
    expect(unlabelledControls(page)).toEqual([]);
    expect(html).toContain('Intl.DateTimeFormat().resolvedOptions().timeZone');
    expect(byId(page, 'website')).toBeDefined(); // the honeypot
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|<img/); // nothing from elsewhere
    expect(html).not.toContain('cf-turnstile');
  });

  it('carries the Turnstile widget and its script only when a site key is set', async () => {
    const withKey = createTestDeps({ config: { TURNSTILE_SITE_KEY: '1x00000000000000000000AA' } });
    try {
      const html = await (await createTestApp(withKey).request('/subscribe')).text();
      expect(html).toContain('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>');
      expect(html).toContain('class="cf-turnstile" data-sitekey="1x00000000000000000000AA"');
    } finally {
      await withKey.close();
    }
  });

  it('is in English with ?lang=en or an English Accept-Language, and keeps the locale in its form', async () => {
    for (const res of [await app.request('/subscribe?lang=en'), await app.request('/subscribe', { headers: { 'accept-language': 'en-GB,en;q=0.9,ar;q=0.5' } })]) {
      const html = await res.text();
      expect(html).toMatch(/<html lang="en" dir="ltr">/);
      expect(html).toContain('Subscribe to نشرة');
      expect(formAction(parsePage(html), '/subscribe')).toBe('/subscribe?lang=en');
    }
    const arabic = await (await app.request('/subscribe', { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } })).text();
    expect(arabic).toMatch(/<html lang="ar" dir="rtl">/);
  });
});

describe('the weekly digest\'s day on the sign-up page', () => {
  it('is a select of the weekdays by Arabic name, labelled for the weekly digest, present without scripts', async () => {
    const html = await (await app.request('/subscribe')).text();
    const page = parsePage(html);
    const select = byId(page, 'preferredWeekday')!;
    const options = DomUtils.findAll((el) => el.name === 'option', select.children).map((o) => [o.attribs.value, DomUtils.textContent(o)]);
    expect(options).toEqual([['6', 'السبت'], ['7', 'الأحد'], ['1', 'الاثنين'], ['2', 'الثلاثاء'], ['3', 'الأربعاء'], ['4', 'الخميس'], ['5', 'الجمعة']]);
    expect(labelOf(page, 'preferredWeekday')).toBe('يوم وصول النشرة الأسبوعية');
    expect(byId(page, 'preferredWeekday-hint') && DomUtils.textContent(byId(page, 'preferredWeekday-hint')!)).toContain('للنشرة الأسبوعية وحدها');
    expect(select.attribs['aria-describedby']).toBe('preferredWeekday-hint');
    // Nothing hides it in the HTML itself: only the page's script may, while "daily" is ticked.
    expect(byId(page, 'preferredWeekday-field')?.attribs.hidden).toBeUndefined();
    expect(html).toContain("getElementById('preferredWeekday-field')");
  });

  it('says the hour is the reader\'s local time', async () => {
    const ar = parsePage(await (await app.request('/subscribe')).text());
    expect(labelOf(ar, 'preferredHour')).toBe('ساعة وصول النشرة بتوقيتك المحلي');
    expect(DomUtils.textContent(byId(ar, 'preferredHour-hint')!)).toBe('الساعة في منطقتك الزمنية المختارة أعلاه، لا بتوقيت الموقع.');
    const en = parsePage(await (await app.request('/subscribe?lang=en')).text());
    expect(labelOf(en, 'preferredHour')).toBe('Delivery time, in your local time');
  });

  it('names the days in English with ?lang=en', async () => {
    const page = parsePage(await (await app.request('/subscribe?lang=en')).text());
    const select = byId(page, 'preferredWeekday')!;
    expect(DomUtils.findAll((el) => el.name === 'option', select.children).map((o) => DomUtils.textContent(o))).toEqual(
      ['Saturday', 'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
    );
    expect(labelOf(page, 'preferredWeekday')).toBe('Day of the weekly newsletter');
  });

  it('saves the day chosen, and the default day when the form sends none', async () => {
    expect((await post('/subscribe', { email: 'thu@example.com', frequency: 'weekly', preferredWeekday: '4' })).status).toBe(200);
    expect((await findSubscriberByEmail(deps.db, 'thu@example.com'))?.preferredWeekday).toBe(4);
    expect((await post('/subscribe', { email: 'none@example.com', frequency: 'weekly' })).status).toBe(200);
    expect((await findSubscriberByEmail(deps.db, 'none@example.com'))?.preferredWeekday).toBe(6);
  });

  it.each(['0', '8', 'x', '1.5'])('brings the form back with 400 and a message for the day %j', async (day) => {
    const res = await post('/subscribe', { email: 'bad-day@example.com', frequency: 'weekly', preferredWeekday: day });
    expect(res.status).toBe(400);
    const page = await pageOf(res);
    expect(invalidControls(page)).toEqual([{ name: 'preferredWeekday', described: ['للنشرة الأسبوعية وحدها، أما اليومية فتصل كل يوم.', 'اختر يومًا من أيام الأسبوع.'] }]);
    expect(selectedOption(page, 'preferredWeekday')).toBe(''); // "choose a day"
    expect(await findSubscriberByEmail(deps.db, 'bad-day@example.com')).toBeUndefined();
  });
});

describe('signing up', () => {
  it('records a pending subscriber with consent and choices, and mails only a confirmation, after the response', async () => {
    const background = holdBackgroundWork(deps);
    const res = await post('/subscribe?lang=ar', {
      email: 'Layla@Example.com', name: 'ليلى', frequency: 'weekly', sections: 'opinion', authors: ['said-idrissi', 'layla-bennani'],
      timezone: 'Africa/Tunis', preferredHour: '18', preferredWeekday: '5',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('تحقّق من بريدك');
    expect(deps.mailer.sent).toEqual([]); // the request itself sends nothing
    const s = (await findSubscriberByEmail(deps.db, 'Layla@example.com'))!;
    expect(s).toMatchObject({
      status: 'pending', frequency: 'weekly', name: 'ليلى', timezone: 'Africa/Tunis', preferredHour: 18, preferredWeekday: 5, locale: 'ar',
      consentSource: 'page', consentIp: '203.0.113.7', consentUserAgent: 'Test/1.0', consentPolicyVersion: '2026-11',
    });
    const topics = await findSubscriberTopics(deps.db, s.id);
    expect(topics.sections).toEqual([opinionId]);
    expect(topics.authors).toHaveLength(2);

    expect(background.held()).toBe(1);
    await background.run();
    expect(deps.mailer.sent).toHaveLength(1);
    const mail = deps.mailer.sent[0]!;
    expect(mail.to).toBe('Layla@example.com');
    expect(mail.subject).toBe('أكّد اشتراكك في نشرة');
    expect(mail.html).toMatch(/<html lang="ar" dir="rtl"/);
    expect(mail.text).not.toContain('Layla@'); // no address in links
    expect(linkIn(mail.text, '/confirm')).toMatch(/^\/confirm\?token=[\w.-]+&lang=ar$/);
  });

  it('brings a form with errors back with a 400, the values kept and a message tied to each field', async () => {
    const res = await post('/subscribe', { email: 'nope', name: 'سارة', frequency: 'weekly', sections: ['opinion', 'drafts'], timezone: 'Mars/Olympus', preferredHour: '24' });
    expect(res.status).toBe(400);
    const html = await res.clone().text();
    const page = await pageOf(res);
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(page.text).toContain('تعذّر إتمام الطلب');
    expect(byId(page, 'email')?.attribs.value).toBe('nope');
    expect(byId(page, 'name')?.attribs.value).toBe('سارة');
    expect(checkedValues(page, 'frequency')).toEqual(['weekly']);
    expect(checkedValues(page, 'sections')).toEqual(['opinion']); // "drafts" is not on offer
    expect(selectedOption(page, 'timezone')).toBe('Mars/Olympus');
    expect(invalidControls(page)).toEqual([
      { name: 'email', described: ['هذا العنوان غير صحيح. اكتبه بصيغة مثل name@example.com.'] },
      { name: 'sections', described: ['اختر ما يهمّك، أو لا تختر شيئًا لتصلك كلها.', 'أحد الأقسام المختارة لم يعد متاحًا. راجع اختيارك.'] },
      { name: 'timezone', described: ['اختر منطقتك الزمنية من القائمة.'] },
      { name: 'preferredHour', described: ['الساعة في منطقتك الزمنية المختارة أعلاه، لا بتوقيت الموقع.', 'اختر ساعة بين 00:00 و23:00.'] },
    ]);
    expect(html).not.toContain('resolvedOptions'); // the reader's choice stays as sent
    expect(await findSubscriberByEmail(deps.db, 'nope')).toBeUndefined();
    const empty = await pageOf(await post('/subscribe?lang=en', { email: '' }));
    expect(invalidControls(empty)).toEqual([{ name: 'email', described: ['Enter your email address.'] }]);
  });

  it('ignores a filled-in honeypot but answers as usual', async () => {
    const res = await post('/subscribe', { email: 'bot@example.com', frequency: 'daily', website: 'http://spam.test' });
    expect(res.status).toBe(200);
    await settle();
    expect(deps.mailer.sent).toHaveLength(0);
    expect(await findSubscriberByEmail(deps.db, 'bot@example.com')).toBeUndefined();
  });

  it('still takes JSON on the same path: 202, the same answer, a 400 JSON error for a bad address', async () => {
    const json = (body: unknown) => app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await json({ email: 'a@example.com', frequency: 'weekly', sections: ['economy'], preferredHour: 9, preferredWeekday: 1, locale: 'en' });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ status: 'pending', message: 'Check your inbox to confirm the subscription' });
    expect(await findSubscriberByEmail(deps.db, 'a@example.com')).toMatchObject({ consentSource: 'api', preferredHour: 9, preferredWeekday: 1, locale: 'en', frequency: 'weekly' });
    for (const day of [0, 8, 'x']) {
      const badDay = await json({ email: 'c@example.com', preferredWeekday: day });
      expect(badDay.status).toBe(400);
      expect(await badDay.json()).toMatchObject({ error: { code: 'invalid_request', details: { fields: [{ path: 'preferredWeekday' }] } } });
    }
    const bad = await json({ email: 'x@y.z\r\nBcc: v@w.x' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const unknown = await json({ email: 'b@example.com', sections: ['no-such-section'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('confirming', () => {
  it('shows a button on GET, confirms only on POST, and afterwards says "already confirmed" with a way to preferences', async () => {
    await post('/subscribe', { email: 'c@example.com', frequency: 'daily' });
    await settle();
    const link = linkIn(deps.mailer.sent[0]!.text, '/confirm');
    const get = await app.request(link);
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toBe('no-store');
    const button = await pageOf(get);
    expect(button.text).toContain('أكّد اشتراكي');
    expect((await findSubscriberByEmail(deps.db, 'c@example.com'))?.status).toBe('pending');
    await app.request(link); // a scanner fetching again changes nothing
    expect((await findSubscriberByEmail(deps.db, 'c@example.com'))?.status).toBe('pending');

    const confirmed = await app.request(formAction(button, '/confirm'), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    const done = await pageOf(confirmed);
    expect(done.text).toContain('تم تأكيد اشتراكك');
    const s = (await findSubscriberByEmail(deps.db, 'c@example.com'))!;
    expect(s.status).toBe('confirmed');
    const preferences = hrefs(done).find((h) => h.startsWith('/preferences?token='));
    expect(preferences).toMatch(/&lang=ar$/);
    expect((await app.request(preferences!)).status).toBe(200);

    deps.clock.advance(3600_000);
    for (const again of [await app.request(link), await app.request(formAction(button, '/confirm'), { method: 'POST' })]) {
      expect(again.status).toBe(200);
      const page = parsePage(await again.text());
      expect(page.text).toContain('اشتراكك مؤكَّد');
      expect(hrefs(page).filter((h) => h.startsWith('/preferences?token='))).toHaveLength(1);
    }
    expect((await findSubscriberByEmail(deps.db, 'c@example.com'))?.confirmedAt).toEqual(s.confirmedAt);
  });

  it('refuses an expired, tampered or cross-purpose link with a friendly page offering to sign up again', async () => {
    await post('/subscribe', { email: 'd@example.com', frequency: 'daily' });
    await settle();
    const link = linkIn(deps.mailer.sent[0]!.text, '/confirm');
    const s = (await findSubscriberByEmail(deps.db, 'd@example.com'))!;
    const unsubscribeToken = await signToken(deps.config.SECRET_KEY, 'unsubscribe', s.id, deps.clock.now());
    const tampered = link.replace(/token=([\w-]+)\.([\w-]+)/, (_, p, sig) => `token=${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    deps.clock.advance(47 * 3600_000);
    for (const [path, method] of [[tampered, 'GET'], [`/confirm?token=${unsubscribeToken}`, 'GET'], [`/confirm?token=${unsubscribeToken}`, 'POST']] as const) {
      const res = await app.request(path, { method });
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(html).toContain('الرابط غير صالح');
      expect(html).toContain('href="/subscribe?lang=ar"');
      expect(html).not.toMatch(/at \w+ \(|Error:/);
    }
    expect((await app.request(link)).status).toBe(200); // 47 hours: still valid
    deps.clock.advance(2 * 3600_000);
    const expired = await app.request(link, { method: 'POST' });
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('الرابط غير صالح');
    const english = await app.request(`${link.replace('lang=ar', 'lang=en')}`);
    expect(english.status).toBe(400);
    const html = await english.text();
    expect(html).toMatch(/<html lang="en" dir="ltr">/);
    expect(html).toContain('This link is not valid');
    expect(html).toContain('href="/subscribe?lang=en"');
    expect((await findSubscriberByEmail(deps.db, 'd@example.com'))?.status).toBe('pending');
  });
});

