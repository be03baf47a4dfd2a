import { describe, expect, it } from 'vitest';
import { renderDigestContent, renderDigestFor, type DigestContent } from '../../src/email/digest.js';
import { joinParts } from '../../src/email/mailer.js';

const content = (title: string): DigestContent => ({
  siteName: 'نشرة',
  subject: 'النشرة اليومية',
  preheader: title,
  dateLabel: 'السبت 29 نوفمبر 2026',
  archiveUrl: 'https://nashra.test/newsletter/archive/e1',
  followingLabel: '',
  articles: [{ title, link: 'https://site.test/a', author: 'ليلى', section: 'رأي', excerpt: 'مقتطف [[x]]', dateLabel: '29 نوفمبر 2026', image: null }],
});

const reader = { email: 'reader@x.test', name: null, frequency: 'daily' as const, preferencesUrl: 'https://p.test', unsubscribeUrl: 'https://u.test' };

describe('digest slots', () => {
  it('leaves [[…]] written in article text alone instead of treating it as a recipient slot', () => {
    const digest = renderDigestContent(content('ما معنى [[email]] و[[ويكي]]؟'));
    const { html, text } = renderDigestFor(digest, reader);
    expect(text).toContain('ما معنى [[email]] و[[ويكي]]؟');
    expect(text).toContain('مقتطف [[x]]');
    expect(html).toContain('ما معنى [[email]] و[[ويكي]]؟');
    expect(html).not.toContain('\uE000');
    expect(text).toContain('reader@x.test');
  });

  it('gives the bodies as the edition\'s fixed text, shared by every reader, and the reader\'s escaped values', () => {
    const digest = renderDigestContent(content('مقال'));
    const one = renderDigestFor(digest, reader);
    const two = renderDigestFor(digest, { ...reader, name: 'سارة <ب>', email: 'other@x.test', unsubscribeUrl: 'https://u.test/?a=1&b=2' });
    for (const r of [one, two]) {
      expect(joinParts(r.parts.html)).toBe(r.html);
      expect(joinParts(r.parts.text)).toBe(r.text);
    }
    expect(two.parts.html.fixed).toBe(one.parts.html.fixed);
    expect(two.parts.text.fixed).toBe(one.parts.text.fixed);
    expect(two.parts.html.values).toContain('https://u.test/?a=1&amp;b=2');
    expect(two.html).toContain('سارة &lt;ب&gt;');
    expect(two.text).toContain('سارة <ب>');
  });
});
