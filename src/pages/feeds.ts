/** The page that lists every feed for people, with the three formats of each. */
import type { FeedGroup } from '../feeds/directory.js';
import type { FeedFormat } from '../feeds/formats.js';
import type { FeedScope } from '../feeds/scope.js';
import { esc, page } from './layout.js';

const FORMAT_LABEL: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

export function feedsPage(siteName: string, groups: FeedGroup[], urlsOf: (s: FeedScope) => Record<FeedFormat, string>): string {
  const item = (s: FeedScope) => {
    const urls = urlsOf(s);
    const links = (Object.keys(FORMAT_LABEL) as FeedFormat[]).map((f) => `<a href="${esc(urls[f])}" dir="ltr">${FORMAT_LABEL[f]}</a>`).join(' · ');
    return `<li><strong>${esc(s.title)}</strong><br><span class="muted">${esc(s.description)}</span><br>${links}</li>`;
  };
  const sections = groups
    .filter((g) => g.scopes.length > 0)
    .map((g) => `<h2>${esc(g.label)}</h2><ul class="feeds">${g.scopes.map(item).join('')}</ul>`)
    .join('');
  return page({
    title: 'الخلاصات',
    siteName,
    body: `<div class="card"><h1>تابع ${esc(siteName)} في قارئ الخلاصات</h1>
<p>انسخ رابط الخلاصة التي تريدها والصقه في قارئك (Feedly أو Inoreader أو NetNewsWire أو Miniflux)، أو استورد <a href="/feeds.opml">ملف OPML</a> بكل الخلاصات دفعة واحدة.</p>
${sections}</div>`,
  });
}
