import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('serves an empty feed and creates an article', async () => {
    const res = await exports.default.fetch('https://nashra.test/api/admin/articles', {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'مقال', summary: 'ملخص', contentHtml: '<p>نص<script>x</script></p>', section: 'رأي', author: 'كاتب', status: 'published' }),
    });
    expect(res.status).toBe(201);
    const feed = await exports.default.fetch('https://nashra.test/feed.rss');
    expect(await feed.text()).toContain('مقال');
  });
});
