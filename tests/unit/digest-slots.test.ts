import { describe, expect, it } from 'vitest';
import { renderDigestContent, renderDigestFor, type DigestContent } from '../../src/email/digest.js';

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
});
