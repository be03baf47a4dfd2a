/** The digest in the reader's language around the Arabic pieces, and dates as people read them. */
import { afterEach, describe, expect, it } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import type { MailMessage } from '../../src/email/mailer.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
afterEach(() => deps.close());

async function digestFor(fields: Parameters<typeof addSubscriber>[1], config: Record<string, string> = {}): Promise<MailMessage> {
  deps = createTestDeps({ now: '2026-11-29T05:00:00Z', config });
  await addArticle(deps, { title: 'الماء والزراعة في زمن الجفاف', publishedAt: '2026-11-29T05:00:00Z' });
  await addSubscriber(deps, { email: 'reader@example.com', ...fields });
  deps.clock.set('2026-11-29T08:00:00Z');
  await runDigestTick(deps, deps.clock.now());
  expect(deps.mailer.sent).toHaveLength(1);
  return deps.mailer.sent[0] as MailMessage;
}

describe('digest language', () => {
  it('is Arabic, right to left, for an Arabic reader', async () => {
    const m = await digestFor({ name: 'ليلى' });
    expect(m.subject).toBe('نشرة: النشرة اليومية، 29 نوفمبر 2026');
    expect(m.html).toMatch(/<html lang="ar" dir="rtl"/);
    expect(m.html).toContain('صباح الخير يا ليلى');
    expect(m.html).toContain('الأحد، 29 نوفمبر 2026');
    expect(m.text).toContain('عرض النشرة في المتصفح: https://nashra.test/newsletter/archive/');
  });

  it('is English around the Arabic pieces for an English reader, the pieces still right to left', async () => {
    const m = await digestFor({ name: 'Layla', locale: 'en' });
    expect(m.subject).toBe('نشرة: daily digest, 29 November 2026');
    expect(m.html).toMatch(/<html lang="en" dir="ltr"/);
    expect(m.html).toContain('Good morning, Layla.');
    expect(m.html).toContain('Sunday, 29 November 2026');
    expect(m.html).toContain('الماء والزراعة في زمن الجفاف');
    // The piece's blocks keep Arabic direction inside the English layout.
    const at = m.html.indexOf('text-decoration: none;">الماء والزراعة');
    expect(at).toBeGreaterThan(0);
    const piece = m.html.slice(at - 600, at);
    expect(piece).toMatch(/direction:\s*rtl/);
    expect(m.text).toContain('Unsubscribe: https://nashra.test/unsubscribe?token=');
  });

  it('adds the Hijri date when DIGEST_HIJRI is on', async () => {
    const m = await digestFor({}, { DIGEST_HIJRI: 'true' });
    expect(m.html).toContain('الأحد، 29 نوفمبر 2026 · 19 جمادى الآخرة 1448 هـ');
    expect(m.subject).toBe('نشرة: النشرة اليومية، 29 نوفمبر 2026');
  });
});
