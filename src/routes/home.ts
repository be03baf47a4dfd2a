/** The home page (what this service offers people) and a health check. */
import type { App } from '../app.js';
import { esc, page } from '../pages/layout.js';

export function registerHomeRoutes(app: App): void {
  app.get('/', (c) => {
    const { config } = c.get('deps');
    const body = `<div class="card"><h1>${esc(config.SITE_NAME)}</h1><p>${esc(config.SITE_DESCRIPTION)}</p>
<p><a href="/subscribe">اشترك في النشرة البريدية</a></p>
<h2>تابعنا في قارئ الخلاصات</h2>
<ul class="feeds"><li><a href="/feed.rss">RSS</a></li><li><a href="/feed.atom">Atom</a></li><li><a href="/feed.json">JSON Feed</a></li></ul>
<p><a href="/feeds">كل الخلاصات: الأقسام والكتّاب والوسوم</a></p></div>`;
    return c.html(page({ title: config.SITE_NAME, siteName: config.SITE_NAME, body }));
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
}
