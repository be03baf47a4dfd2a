/**
 * A reader in Chromium (phone width) on the Node server: signs up in Arabic, gets the
 * confirmation on a real SMTP server on loopback, confirms with the button behind its link,
 * changes preferences, leaves with the RFC 8058 one-click POST from a digest's List-Unsubscribe
 * header, and undoes it in the browser. Then a shorter pass in English. Each step is checked in
 * the page and in the SQLite file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentaryArticle, postArticle } from './support/articles.js';
import { readRaw } from './support/mime.js';
import { expectReadableOnAPhone } from './support/phone.js';
import { freePort } from './support/ports.js';
import { runNode } from './support/process.js';
import { queryDb } from './support/db.js';
import { startServer, type RunningServer } from './support/server.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SITE_NAME = 'منبر الرأي';
const HOUR = 3600_000;

let dir: string;
let dbPath: string;
let smtp: SmtpSink;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium fonts-noto-core (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-subscribe-'));
  dbPath = join(dir, 'nashra.db');
  smtp = await startSmtpSink();
  const port = String(await freePort());
  server = await startServer({
    PORT: port,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: dbPath,
    SMTP_URL: smtp.url,
    ADMIN_TOKEN,
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    SITE_NAME,
    DIGEST_TIMEZONE: 'Africa/Casablanca',
    DIGEST_HOUR: '7',
    SCHEDULER: 'false',
    SEED: 'false',
  });
  const publishedAt = new Date(Date.now() - 2 * HOUR).toISOString();
  await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title: 'الماء والزراعة', publishedAt, section: { name: 'رأي', slug: 'opinion', commentary: true } }));
  await postArticle(server.url, ADMIN_TOKEN, commentaryArticle({ title: 'الدرهم والتضخم', publishedAt, section: { name: 'اقتصاد', slug: 'economy', commentary: true } }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = <T>(sql: string, ...params: unknown[]): T[] => queryDb<T>(dbPath, sql, ...params);

type SubscriberRecord = {
  id: string; status: string; frequency: string; timezone: string; preferred_hour: number; preferred_weekday: number; locale: string; name: string | null;
};
const subscriberRow = (email: string) =>
  query<SubscriberRecord>('SELECT id, status, frequency, timezone, preferred_hour, preferred_weekday, locale, name FROM subscribers WHERE email = ?', email)[0];
const chosenSections = (id: string) =>
  query<{ slug: string }>("SELECT s.slug FROM subscriber_topics t JOIN sections s ON s.id = t.term_id WHERE t.subscriber_id = ? AND t.kind = 'section' ORDER BY s.slug", id).map((r) => r.slug);

/** A phone-sized browser with a language (its Accept-Language) and time zone, collecting script errors. */
async function phone(locale: string, timezoneId: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, timezoneId });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

const heading = (page: Page) => page.locator('main h1').innerText();
const linkInMail = (text: string | undefined, path: string) =>
  new RegExp(`${server.url.replace(/[.]/g, '\\.')}${path}\\?token=[\\w.-]+&lang=\\w+`).exec(text ?? '')?.[0];

describe('subscribing in a browser', () => {
  it('in Arabic: sign up, confirm, change preferences, one-click unsubscribe, undo', async () => {
    const email = 'layla@example.test';
    const { context, page, errors } = await phone('ar-SA', 'Asia/Riyadh');
    try {
      await page.goto(`${server.url}/subscribe`);
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('html').getAttribute('lang')).toBe('ar');
      expect(await page.locator('#timezone').inputValue(), 'the browser filled in its time zone').toBe('Asia/Riyadh');
      expect(await page.locator('#preferredHour').inputValue()).toBe('7');
      // The weekly digest's day: hidden by the page's script while "daily" is ticked.
      expect(await page.getByLabel('يوم وصول النشرة الأسبوعية').isVisible()).toBe(false);
      await expectReadableOnAPhone(page, errors);
      await page.screenshot({ path: join(tmpdir(), 'subscribe-ar.png'), fullPage: true });

      await page.getByLabel('بريدك الإلكتروني').fill(email);
      await page.getByLabel('اسمك (اختياري)').fill('ليلى');
      await page.getByLabel('أسبوعيًا').check();
      expect(await page.getByLabel('يوم وصول النشرة الأسبوعية').inputValue(), 'DIGEST_WEEKDAY: Saturday').toBe('6');
      await page.getByLabel('يوم وصول النشرة الأسبوعية').selectOption({ label: 'الخميس' });
      await page.getByLabel('رأي').check();
      await page.getByRole('button', { name: 'اشترك' }).click();
      expect(await heading(page)).toBe('تحقّق من بريدك');
      const pending = subscriberRow(email)!;
      expect(pending).toMatchObject({ status: 'pending', frequency: 'weekly', timezone: 'Asia/Riyadh', preferred_hour: 7, preferred_weekday: 4, locale: 'ar', name: 'ليلى' });
      expect(chosenSections(pending.id)).toEqual(['opinion']);

      const confirmation = await simpleParser((await smtp.waitForMessage(email, 1)).raw);
      expect(confirmation.subject).toBe(`أكّد اشتراكك في ${SITE_NAME}`);
      const confirmLink = linkInMail(confirmation.text, '/confirm');
      expect(confirmLink).toBeDefined();
      await page.goto(confirmLink!);
      expect(await heading(page)).toBe('أكّد اشتراكك');
      expect(subscriberRow(email)?.status, 'opening the link confirms nothing').toBe('pending');
      await page.getByRole('button', { name: 'أكّد اشتراكي' }).click();
      expect(await heading(page)).toBe('تم تأكيد اشتراكك');
      expect(subscriberRow(email)?.status).toBe('confirmed');

      await page.getByRole('link', { name: 'اختر الأقسام والكتّاب وموعد الوصول من صفحة التفضيلات' }).click();
      expect(await heading(page)).toBe('تفضيلات الاشتراك');
      expect(await page.getByLabel('أسبوعيًا').isChecked()).toBe(true);
      expect(await page.getByLabel('رأي').isChecked()).toBe(true);
      expect(await page.getByLabel('اقتصاد').isChecked()).toBe(false);
      expect(await page.getByLabel('يوم وصول النشرة الأسبوعية').inputValue()).toBe('4');
      await page.getByLabel('يوم وصول النشرة الأسبوعية').selectOption('1');
      await page.getByLabel('ساعة وصول النشرة').selectOption('20');
      await page.getByLabel('رأي').uncheck();
      await page.getByLabel('اقتصاد').check();
      await page.getByRole('button', { name: 'احفظ التفضيلات' }).click();
      expect(await page.getByRole('status').innerText()).toBe('حُفظت تفضيلاتك.');
      expect(await page.getByLabel('ساعة وصول النشرة').inputValue()).toBe('20');
      expect(await page.getByLabel('يوم وصول النشرة الأسبوعية').inputValue()).toBe('1');
      expect(subscriberRow(email)).toMatchObject({ preferred_hour: 20, preferred_weekday: 1, frequency: 'weekly', timezone: 'Asia/Riyadh' });
      expect(chosenSections(pending.id)).toEqual(['economy']);
      await expectReadableOnAPhone(page, errors);
      await page.screenshot({ path: join(tmpdir(), 'preferences-ar.png'), fullPage: true });

      // A digest, and the one-click POST its List-Unsubscribe header points at.
      const run = await runNode(['bin/nashra.mjs', 'digest', 'run', '--cadence', 'weekly'], server.env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^weekly \S+: submitted 1$/m);
      const digest = readRaw((await smtp.waitForMessage(email, 2)).raw);
      expect(digest.header('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
      const unsubscribeUrl = /^<([^>]+)>$/.exec(digest.header('list-unsubscribe')[0] ?? '')?.[1]?.replace(/\s+/g, '');
      expect(unsubscribeUrl).toMatch(new RegExp(`^${server.url}/unsubscribe\\?token=`));
      const left = await fetch(unsubscribeUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      expect(left.status).toBe(200);
      expect(left.headers.get('location')).toBeNull();
      expect(subscriberRow(email)?.status).toBe('unsubscribed');

      // Changed their mind: the same link in the browser offers the undo.
      await page.goto(unsubscribeUrl!);
      expect(await heading(page)).toBe('تم إلغاء اشتراكك');
      await page.getByRole('button', { name: 'تراجع وأعد اشتراكي' }).click();
      expect(await heading(page)).toBe('عاد اشتراكك');
      expect(subscriberRow(email)).toMatchObject({ status: 'confirmed', preferred_hour: 20, frequency: 'weekly' });
      expect(chosenSections(pending.id)).toEqual(['economy']);
      expect(smtp.to(email), 'no new confirmation for the undo').toHaveLength(2);
      await expectReadableOnAPhone(page, errors);
    } finally {
      await context.close();
    }
  });

  it('without scripts: the weekly digest\'s day is always there, and is saved', async () => {
    const email = 'noscript@example.test';
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ar-MA', javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/subscribe`);
      const day = page.getByLabel('يوم وصول النشرة الأسبوعية');
      expect(await page.getByLabel('يوميًا').isChecked()).toBe(true);
      expect(await day.isVisible()).toBe(true);
      await page.getByLabel('بريدك الإلكتروني').fill(email);
      await page.getByLabel('أسبوعيًا').check();
      await day.selectOption({ label: 'الأحد' });
      await page.getByRole('button', { name: 'اشترك' }).click();
      expect(await heading(page)).toBe('تحقّق من بريدك');
      expect(subscriberRow(email)).toMatchObject({ status: 'pending', frequency: 'weekly', preferred_weekday: 7, timezone: 'Africa/Casablanca' });
    } finally {
      await context.close();
    }
  });

  it('in English with ?lang=en: the pages and the confirmation email', async () => {
    const email = 'sam@example.test';
    const { context, page, errors } = await phone('fr-FR', 'Europe/London');
    try {
      await page.goto(`${server.url}/subscribe?lang=en`);
      expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('#timezone').inputValue()).toBe('Europe/London');
      await page.getByLabel('Your email address').fill(email);
      const day = page.getByLabel('Day of the weekly newsletter');
      expect(await day.isVisible(), 'hidden while "Daily" is ticked').toBe(false);
      await page.getByLabel('Weekly', { exact: true }).check();
      expect(await day.isVisible()).toBe(true);
      await day.selectOption({ label: 'Tuesday' });
      await page.getByLabel('Daily', { exact: true }).check(); // back to daily: the day hides, and is still sent
      expect(await day.isVisible()).toBe(false);
      await page.getByLabel('اقتصاد').check(); // section names stay as the editors wrote them
      await page.getByRole('button', { name: 'Subscribe' }).click();
      expect(await heading(page)).toBe('Check your inbox');
      expect(subscriberRow(email)).toMatchObject({ status: 'pending', locale: 'en', frequency: 'daily', preferred_weekday: 2, timezone: 'Europe/London' });

      const confirmation = await simpleParser((await smtp.waitForMessage(email, 1)).raw);
      expect(confirmation.subject).toBe(`Confirm your subscription to ${SITE_NAME}`);
      expect(confirmation.html || '').toMatch(/<html\b[^>]*\blang="en"/);
      const confirmLink = linkInMail(confirmation.text, '/confirm');
      expect(confirmLink).toMatch(/&lang=en$/);
      await page.goto(confirmLink!);
      await page.getByRole('button', { name: 'Confirm my subscription' }).click();
      expect(await heading(page)).toBe('Your subscription is confirmed');
      expect(subscriberRow(email)?.status).toBe('confirmed');
      await page.getByRole('link', { name: 'Choose sections, writers and delivery time on the preferences page' }).click();
      expect(await heading(page)).toBe('Subscription preferences');
      expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
      await expectReadableOnAPhone(page, errors);
      await page.screenshot({ path: join(tmpdir(), 'preferences-en.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
