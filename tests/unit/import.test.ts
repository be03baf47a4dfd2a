/** Importing subscribers from CSV: validation, dedupe, existing and suppressed addresses, batches. */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { subscribers, suppressions } from '../../src/storage/schema.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import { eraseSubscriber } from '../../src/subscribers/admin.js';
import { CsvError, csvRecords } from '../../src/subscribers/csv.js';
import { exportSubscribersCsv } from '../../src/subscribers/export.js';
import { importSubscribers, type ImportOptions, type ImportReport } from '../../src/subscribers/import.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z', config: { CONSENT_POLICY_VERSION: '2026-11b', DIGEST_HOUR: '8' } });
});
afterEach(() => {
  vi.restoreAllMocks();
  return deps.close();
});

const run = (csv: string | string[], opts?: ImportOptions) => importSubscribers(deps, csvRecords(Array.isArray(csv) ? csv : [csv]), opts);
const rowsByEmail = async () => new Map((await deps.db.select().from(subscribers).all()).map((s) => [s.email, s]));
const NOW = new Date('2026-11-29T08:00:00Z');

describe('importing subscribers', () => {
  it('adds valid rows as confirmed, with an import consent record, and sends nothing', async () => {
    const report = await run(
      'Email,Name,Frequency,Locale,Timezone,Consent At,consent_ip,consent_source\r\n' +
        'laila@example.ma,"بنعلي, ليلى",weekly,en,europe/paris,2025-03-01T10:00:00+01:00,203.0.113.9,Salon du livre 2025\r\n' +
        'said@Example.MA,سعيد,,,,2025-04-02,,\r\n',
      { consentNote: 'old list' },
    );
    expect(report).toMatchObject({ rowsRead: 2, imported: 2, skipped: { invalid: 0, duplicate: 0, existing: 0, suppressed: 0 }, issues: [], dryRun: false });
    const rows = await rowsByEmail();
    expect(rows.get('laila@example.ma')).toMatchObject({
      name: 'بنعلي, ليلى', status: 'confirmed', frequency: 'weekly', locale: 'en', timezone: 'Europe/Paris', preferredHour: 8,
      consentSource: 'import', consentPolicyVersion: '2026-11b', consentAt: new Date('2025-03-01T09:00:00Z'), consentIp: '203.0.113.9',
      consentUserAgent: 'import: Salon du livre 2025', confirmedAt: NOW, createdAt: NOW, confirmationSentAt: null, unsubscribedAt: null,
    });
    // Defaults: daily, Arabic, DIGEST_TIMEZONE; the note from the option; the domain lower-cased.
    expect(rows.get('said@example.ma')).toMatchObject({
      name: 'سعيد', frequency: 'daily', locale: 'ar', timezone: 'Africa/Casablanca', consentAt: new Date('2025-04-02T00:00:00Z'),
      consentIp: null, consentUserAgent: 'import: old list',
    });
    expect(deps.mailer.sent).toEqual([]);
  });

  it('reads the delivery hour and the weekly digest\'s day, by number or by name, DIGEST_HOUR and DIGEST_WEEKDAY when empty', async () => {
    const report = await run(
      'email,frequency,preferred_hour,Preferred Weekday\n' +
        'mon@example.ma,weekly,18,1\n' +
        'fri@example.ma,weekly,07:00,الجمعة\n' +
        'sun@example.ma,weekly,0,Sunday\n' +
        'wed@example.ma,weekly,,يوم الأربعاء\n' +
        'default@example.ma,,,\n',
    );
    expect(report).toMatchObject({ rowsRead: 5, imported: 5, issues: [], ignoredColumns: [] });
    const rows = await rowsByEmail();
    const when = (email: string) => ({ hour: rows.get(email)?.preferredHour, day: rows.get(email)?.preferredWeekday });
    expect(when('mon@example.ma')).toEqual({ hour: 18, day: 1 });
    expect(when('fri@example.ma')).toEqual({ hour: 7, day: 5 });
    expect(when('sun@example.ma')).toEqual({ hour: 0, day: 7 });
    expect(when('wed@example.ma')).toEqual({ hour: 8, day: 3 }); // DIGEST_HOUR is 8 here
    expect(when('default@example.ma')).toEqual({ hour: 8, day: 6 }); // DIGEST_WEEKDAY: Saturday
    const other = createTestDeps({ config: { DIGEST_WEEKDAY: '5' } });
    try {
      await importSubscribers(other, csvRecords(['email\nx@example.ma\n']));
      expect((await other.db.select().from(subscribers).all())[0]?.preferredWeekday).toBe(5);
    } finally {
      await other.close();
    }
  });

  it.each([
    ['preferred_hour', '24'], ['preferred_hour', '-1'], ['preferred_hour', '7:30'], ['preferred_hour', 'morning'],
    ['preferred_weekday', '0'], ['preferred_weekday', '8'], ['preferred_weekday', 'x'], ['preferred_weekday', '1.5'],
  ])('skips a row whose %s is %j, naming the column', async (column, value) => {
    const report = await run(`email,${column}\nbad@example.ma,${value}\nok@example.ma,\n`);
    expect(report).toMatchObject({ imported: 1, skipped: { invalid: 1 } });
    expect(report.issues).toEqual([{ line: 2, reason: 'invalid', message: expect.stringContaining(column) }]);
  });

  it('takes the import time as consent time when the file has none', async () => {
    await run('email\nx@example.ma\n');
    expect((await rowsByEmail()).get('x@example.ma')).toMatchObject({ consentAt: NOW, consentUserAgent: null });
  });

  it('reports invalid rows with their line numbers and imports the rest', async () => {
    const report = await run(
      [
        'email,name,frequency,locale,timezone,consent_at,consent_ip',
        'ok1@example.ma,"اسم على',
        'سطرين",daily,ar,,,',
        'not-an-address,x,,,,,',
        'ok2@example.ma,,hourly,,,,',
        'ok3@example.ma,,,fr,,,',
        'ok4@example.ma,,,,Mars/Olympus,,',
        'ok5@example.ma,,,,,2025-02-30,',
        'ok6@example.ma,,,,,2026-12-01,',
        'ok7@example.ma,,,,,,not-an-ip',
        `ok8@example.ma,${'ن'.repeat(101)},,,,,`,
        '"evil@example.ma\r\nBcc: x@example.ma",,,,,,',
        'ok9@example.ma,,يومي,ar-MA,,,',
        'after-two-line-record,,,,,,',
      ].join('\n'),
    );
    expect(report.issues.map((i) => [i.line, i.reason])).toEqual([
      [4, 'invalid'], [5, 'invalid'], [6, 'invalid'], [7, 'invalid'], [8, 'invalid'], [9, 'invalid'], [10, 'invalid'], [11, 'invalid'], [12, 'invalid'],
      [15, 'invalid'], // line 12's record took two lines
    ]);
    expect(report.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('not a valid email address'),
      expect.stringContaining('frequency'),
      expect.stringContaining('locale'),
      expect.stringContaining('time zone'),
      expect.stringContaining('consent_at'),
      expect.stringContaining('future'),
      expect.stringContaining('IP address'),
      expect.stringContaining('name'),
      expect.stringContaining('not a valid email address'),
      expect.stringContaining('not a valid email address'),
    ]);
    expect(report).toMatchObject({ rowsRead: 12, imported: 2, skipped: { invalid: 10 } });
    const rows = await rowsByEmail();
    expect([...rows.keys()].sort()).toEqual(['ok1@example.ma', 'ok9@example.ma']);
    expect(rows.get('ok1@example.ma')?.name).toBe('اسم على سطرين');
    expect(rows.get('ok9@example.ma')).toMatchObject({ frequency: 'daily', locale: 'ar' });
  });

  it('imports each address once, whatever its case, and names the first line it was on', async () => {
    const report = await run('email,name\nLaila@Example.ma,أولى\nlaila@example.ma,ثانية\nLAILA@EXAMPLE.MA,ثالثة\nother@example.ma,\n');
    expect(report.issues).toEqual([
      { line: 3, reason: 'duplicate', message: 'same address as line 2' },
      { line: 4, reason: 'duplicate', message: 'same address as line 2' },
    ]);
    expect(report).toMatchObject({ imported: 2, skipped: { duplicate: 2 } });
    expect((await rowsByEmail()).get('Laila@example.ma')?.name).toBe('أولى');
  });

  it('leaves existing subscribers exactly as they are, so no one who unsubscribed is subscribed again', async () => {
    const gone = await addSubscriber(deps, { email: 'Gone.Reader@example.ma', status: 'unsubscribed', unsubscribedAt: new Date('2026-10-01T00:00:00Z'), name: 'قديم' });
    const pending = await addSubscriber(deps, { email: 'pending@example.ma', status: 'pending', confirmedAt: null });
    deps.clock.advance(86_400_000);
    const report = await run('email,name,frequency\ngone.reader@EXAMPLE.ma,جديد,weekly\npending@example.ma,,\nnew@example.ma,,\n');
    expect(report.issues.map((i) => [i.line, i.reason])).toEqual([[2, 'existing'], [3, 'existing']]);
    expect(report).toMatchObject({ imported: 1, skipped: { existing: 2 } });
    const rows = await rowsByEmail();
    expect(rows.get(gone.email)).toEqual(gone);
    expect(rows.get(pending.email)).toEqual(pending);
    expect(rows.size).toBe(3);
  });

  it('skips addresses on the suppression list, in any case', async () => {
    const key = await addressKey(deps.config.SECRET_KEY, 'bounced@example.ma');
    await deps.db.insert(suppressions).values({ addressKey: key, reason: 'hard_bounce', source: 'smtp', detail: null, createdAt: NOW });
    const report = await run('email\nok@example.ma\nBounced@Example.MA\n');
    expect(report.issues).toEqual([{ line: 3, reason: 'suppressed', message: 'on the suppression list' }]);
    expect([...(await rowsByEmail()).keys()]).toEqual(['ok@example.ma']);
  });

  it('writes in batches of statements under 100 bound parameters each', async () => {
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    const lines = ['email,name', ...Array.from({ length: 1234 }, (_, i) => `reader${i}@example.ma,قارئ ${i}`)];
    const progress: number[] = [];
    const report = await run(lines.join('\n'), { batchSize: 300, onProgress: (r) => progress.push(r.imported) });
    expect(report).toMatchObject({ rowsRead: 1234, imported: 1234 });
    expect(await deps.db.$count(subscribers)).toBe(1234);
    const inserts = prepare.mock.calls.map(([sqlText]) => String(sqlText)).filter((s) => /^insert into "subscribers"/i.test(s));
    expect(inserts.length).toBeGreaterThan(1234 / 10);
    for (const s of inserts) expect(s.split('?').length - 1).toBeLessThanOrEqual(100);
    for (const s of prepare.mock.calls.map(([q]) => String(q))) expect(s.split('?').length - 1, s.slice(0, 80)).toBeLessThanOrEqual(100);
    // Progress after each batch, counts only growing, the last one the total.
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.at(-1)).toBe(1234);
  });

  it('checks everything and writes nothing in a dry run', async () => {
    await addSubscriber(deps, { email: 'old@example.ma' });
    const csv = 'email\nnew1@example.ma\nnew2@example.ma\nnew1@example.ma\nold@example.ma\nbad\n';
    const dry = await run(csv, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, rowsRead: 5, imported: 2, skipped: { invalid: 1, duplicate: 1, existing: 1, suppressed: 0 } });
    expect(await deps.db.$count(subscribers)).toBe(1);
    const real = await run(csv);
    expect({ ...real, dryRun: true }).toEqual(dry);
    expect(await deps.db.$count(subscribers)).toBe(3);
  });

  it('leaves an address that signs up during the import to its sign-up', async () => {
    const records = (async function* () {
      let n = 0;
      for await (const r of csvRecords(['email,name\nfirst@example.ma,\nracer@example.ma,من الملف\n'])) {
        // Signs up after the import read the existing addresses, before its batch is written.
        if (n++ === 2) await addSubscriber(deps, { email: 'racer@example.ma', status: 'pending', name: 'بنفسه' });
        yield r;
      }
    })();
    const report = await importSubscribers(deps, records);
    expect(report).toMatchObject({ imported: 1, skipped: { existing: 1 } });
    expect(report.issues).toEqual([{ line: 3, reason: 'existing', message: expect.stringContaining('during the import') }]);
    expect((await rowsByEmail()).get('racer@example.ma')).toMatchObject({ status: 'pending', name: 'بنفسه' });
  });

  it('takes back a file exported from Nashra: confirmed readers only, names as they were, nothing suppressed', async () => {
    const source = createTestDeps({ now: '2026-10-01T08:00:00Z' });
    try {
      const keep = await addSubscriber(source, {
        email: 'keep@example.ma', name: '=SUM(A1) ليلى', frequency: 'weekly', locale: 'en', timezone: 'Europe/Madrid', preferredHour: 19, preferredWeekday: 2,
      });
      await addSubscriber(source, { email: 'left@example.ma', status: 'unsubscribed', unsubscribedAt: source.clock.now() });
      await addSubscriber(source, { email: 'waiting@example.ma', status: 'pending', confirmedAt: null });
      await addSubscriber(source, { email: 'bounced@example.ma', suppressedAt: source.clock.now() });
      const erased = await addSubscriber(source, { email: 'gone@example.ma' });
      await eraseSubscriber(source, erased.id);
      const csv = await new Response(exportSubscribersCsv(source, {})).text();
      const report = await run(csv);
      expect(report).toMatchObject({ rowsRead: 5, imported: 1, skipped: { invalid: 3, suppressed: 1 } });
      expect(report.issues.map((i) => i.message)).toEqual(
        expect.arrayContaining([expect.stringContaining('unsubscribed'), expect.stringContaining('pending'), expect.stringContaining('not a valid email'), 'suppressed where the file came from']),
      );
      const [row] = await deps.db.select().from(subscribers).all();
      expect(row).toMatchObject({
        email: 'keep@example.ma', name: '=SUM(A1) ليلى', frequency: 'weekly', locale: 'en', timezone: 'Europe/Madrid', preferredHour: 19, preferredWeekday: 2,
        consentAt: keep.consentAt, consentSource: 'import', consentUserAgent: 'import: page',
      });
    } finally {
      await source.close();
    }
  });

  it('lists at most maxIssues skipped rows but counts them all', async () => {
    const report = await run(['email', ...Array.from({ length: 30 }, (_, i) => `bad${i}`)].join('\n'), { maxIssues: 10 });
    expect(report.issues).toHaveLength(10);
    expect(report.issuesOmitted).toBe(20);
    expect(report.skipped.invalid).toBe(30);
  });

  it('reports columns it does not know, and skips rows with nothing in them', async () => {
    const report = await run('email,phone,City\nx@example.ma,0600,Rabat\n,,\n\n');
    expect(report).toMatchObject({ ignoredColumns: ['phone', 'City'], rowsRead: 1, imported: 1 });
  });

  it('refuses a file without an email column, a repeated column, or nothing at all', async () => {
    await expect(run('name,frequency\nليلى,daily\n')).rejects.toThrow(AppError);
    await expect(run('name,frequency\nليلى,daily\n')).rejects.toThrow(/"email"/);
    await expect(run('email,Email\nx@example.ma,y@example.ma\n')).rejects.toThrow(/twice/);
    await expect(run('')).rejects.toThrow(/empty/);
    expect(await deps.db.$count(subscribers)).toBe(0);
  });

  it('keeps earlier batches when the file breaks, and a second run skips them as existing', async () => {
    const good = ['email', ...Array.from({ length: 10 }, (_, i) => `r${i}@example.ma`)];
    const broken = [...good, '"unclosed@example.ma'].join('\n');
    let last: ImportReport | undefined;
    await expect(run(broken, { batchSize: 5, onProgress: (r) => (last = { ...r }) })).rejects.toThrow(CsvError);
    expect(last?.imported).toBe(10);
    expect(await deps.db.$count(subscribers)).toBe(10);
    const again = await run(`${good.join('\n')}\nr10@example.ma\n`);
    expect(again).toMatchObject({ imported: 1, skipped: { existing: 10 } });
  });
});
