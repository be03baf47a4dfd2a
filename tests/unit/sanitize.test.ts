import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeArticleHtml } from '../../src/articles/sanitize.js';

const clean = (html: string) => sanitizeArticleHtml(html, 'https://site.test');

describe('sanitizeArticleHtml', () => {
  it.each([
    ['<script>alert(1)</script>', 'alert'],
    ['<style>p{color:red}</style>', 'color'],
    ['<iframe src="https://evil.test"></iframe>', 'iframe'],
    ['<object data="x"></object>', 'object'],
    ['<embed src="x">', 'embed'],
    ['<form action="/x"><input name="a"></form>', 'form'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.test">', 'refresh'],
    ['<svg><script>alert(1)</script></svg>', 'alert'],
  ])('removes %s with its content', (html, marker) => {
    const out = clean(`<p>قبل</p>${html}<p>بعد</p>`);
    expect(out).not.toContain(marker);
    expect(out).toContain('<p>قبل</p>');
    expect(out).toContain('<p>بعد</p>');
  });

  it('drops event handlers, style and unknown attributes', () => {
    expect(clean('<p onclick="x()" onmouseover=y style="color:red" data-x="1">نص</p>')).toBe('<p>نص</p>');
    expect(clean('<img src="/a.png" onerror="alert(1)" alt="صورة">')).toBe('<img src="https://site.test/a.png" alt="صورة">');
  });

  it.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\nscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x'])(
    'removes the dangerous URL %j',
    (url) => {
      expect(clean(`<a href="${url}">x</a>`)).toBe('<a>x</a>');
    },
  );

  it('makes relative URLs absolute against the site URL', () => {
    expect(clean('<a href="/about">a</a><a href="page?x=1">b</a><img src="img/p.jpg">')).toBe(
      '<a href="https://site.test/about">a</a><a href="https://site.test/page?x=1">b</a><img src="https://site.test/img/p.jpg">',
    );
  });

  it('allows images only over http(s), links also to mailto and tel', () => {
    expect(clean('<img src="mailto:a@b.c"><a href="mailto:a@b.c">m</a><a href="tel:+212">t</a>')).toBe(
      '<img><a href="mailto:a@b.c">m</a><a href="tel:+212">t</a>',
    );
  });

  it('escapes text, balances tags and keeps direction attributes', () => {
    expect(clean('<p dir="rtl" lang="ar">أ &lt; ب & <b>ج<i>د</b></p>')).toBe('<p dir="rtl" lang="ar">أ &lt; ب &amp; <b>ج<i>د</i></b></p>');
    expect(clean('<p dir="javascript">x')).toBe('<p>x</p>');
  });

  it('keeps the rest of the article after an unclosed form, svg, select or textarea', () => {
    for (const tag of ['form', 'svg', 'math', 'select', 'noscript']) {
      expect(clean(`<p>أ</p><${tag}><p>ب</p>`), tag).toContain('<p>ب</p>');
    }
    expect(clean('<p>أ</p><textarea><p>ب</p>')).toContain('ب'); // raw text there: kept as text
  });

  it('drops comments and keeps the text of unknown tags', () => {
    expect(clean('<!-- secret --><custom-el>نص</custom-el>')).toBe('نص');
  });
});

describe('htmlToText', () => {
  it('returns the readable text without scripts', () => {
    expect(htmlToText('<p>مرحبا&nbsp;<b>بكم</b></p><script>x()</script><p>ثانيًا &amp; أخيرًا</p>')).toBe('مرحبا بكم ثانيًا & أخيرًا');
  });
});
