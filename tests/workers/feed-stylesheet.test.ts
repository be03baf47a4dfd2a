/** The feed stylesheet inside workerd: bundled at build time, served without a file system. */
import { describe, expect, it } from 'vitest';
import { call, createArticle } from './support/api.js';

describe('feed stylesheet', () => {
  it('GET /feed.xsl serves the XSLT as text/xsl with a long max-age', async () => {
    const res = await call('/feed.xsl');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xsl; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{6,}/);
    const body = await res.text();
    expect(body).toContain('<xsl:stylesheet version="1.0"');
    expect(body).toContain('<html lang="ar" dir="rtl">');
  });

  it('feeds a browser asks for come as application/xml, so the stylesheet runs', async () => {
    await createArticle({ title: 'مقال للمتصفح' });
    const res = await call('/feed.atom', { headers: { accept: 'text/html,application/xml;q=0.9,*/*;q=0.8' } });
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await res.text()).toContain('<?xml-stylesheet href="/feed.xsl" type="text/xsl"?>');
  });
});
