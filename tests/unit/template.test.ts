import { describe, expect, it } from 'vitest';
import { joinParts } from '../../src/email/mailer.js';
import { compileSlots, compileTemplate, noEscape } from '../../src/email/template.js';
import { escapeHtml } from '../../src/text/html.js';

describe('compileTemplate', () => {
  it('escapes {{values}} and leaves {{{raw}}} alone', () => {
    const t = compileTemplate('<p>{{a}}</p>{{{b}}}', escapeHtml);
    expect(t({ a: '<b>"x" & \'y\'</b>', b: '<i>ok</i>' })).toBe('<p>&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</p><i>ok</i>');
  });

  it('repeats sections for arrays, reads nested and outer names', () => {
    const t = compileTemplate('{{#items}}[{{name}}/{{site}}/{{img.url}}]{{/items}}', noEscape);
    expect(t({ site: 'S', items: [{ name: 'a', img: { url: 'u' } }, { name: 'b' }] })).toBe('[a/S/u][b/S/]');
  });

  it('shows inverted sections only when falsy or empty', () => {
    const t = compileTemplate('{{^items}}none{{/items}}{{#flag}}yes{{/flag}}', noEscape);
    expect(t({ items: [], flag: false })).toBe('none');
    expect(t({ items: [1], flag: true })).toBe('yes');
  });

  it('rejects unbalanced sections', () => {
    expect(() => compileTemplate('{{#a}}x', noEscape)).toThrow(/never closed/);
    expect(() => compileTemplate('{{#a}}x{{/b}}', noEscape)).toThrow(/closes/);
  });
});

describe('compileSlots', () => {
  it('fills [[slots]] per recipient, escaped, and refuses a missing one', () => {
    const fill = compileSlots('<a href="[[url]]">[[name]]</a>', escapeHtml);
    const parts = fill({ url: 'https://x.test/?a=1&b=2', name: '<ليلى>' });
    expect(joinParts(parts)).toBe('<a href="https://x.test/?a=1&amp;b=2">&lt;ليلى&gt;</a>');
    expect(parts.values).toEqual(['https://x.test/?a=1&amp;b=2', '&lt;ليلى&gt;']);
    expect(() => fill({ url: 'u' })).toThrow(/name/);
  });

  it('shares one array of fixed text between recipients', () => {
    const fill = compileSlots('[[a]]x[[b]]', noEscape);
    const one = fill({ a: '1', b: '2' });
    const two = fill({ a: '3', b: '4' });
    expect(one.fixed).toBe(two.fixed);
    expect(one.fixed).toEqual(['', 'x', '']);
    expect(joinParts(two)).toBe('3x4');
  });
});
