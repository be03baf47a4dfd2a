/**
 * The shell of every page people see: Arabic and right to left unless a page says otherwise,
 * mobile-first, no external assets.
 */
import { escapeHtml } from '../text/html.js';

export const esc = escapeHtml;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:Tahoma,"Segoe UI","Noto Naskh Arabic",Arial,sans-serif;
background:#f4f1ea;color:#1f2328;line-height:1.8}main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}a{color:#0b5d4b}.card{background:#fff;border-radius:8px;padding:1.25rem;
box-shadow:0 1px 2px rgba(0,0,0,.08)}label{display:block;margin:.75rem 0 .25rem;font-weight:700}
input[type=email],input[type=text],select{width:100%;padding:.6rem;font:inherit;border:1px solid #c9c2b2;border-radius:6px}
input[type=email]{direction:ltr;text-align:left}fieldset{border:0;padding:0;margin:.75rem 0}
button{margin-top:1rem;padding:.7rem 1.4rem;font:inherit;font-weight:700;background:#0b5d4b;color:#fff;border:0;border-radius:6px;cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #b7791f;outline-offset:2px}
.muted{color:#57606a;font-size:.9rem}.hp{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
ul.feeds{padding:0;list-style:none}ul.feeds li{margin:.4rem 0}`;

/** A `<link rel="alternate">` for feed autodiscovery. */
export type FeedAlternate = { type: string; title: string; href: string };

/** Feed autodiscovery: every page points readers at the site's feeds (relative: any host). */
const siteAlternates = (siteName: string): FeedAlternate[] => [
  { type: 'application/rss+xml', title: `${siteName} (RSS)`, href: '/feed.rss' },
  { type: 'application/atom+xml', title: `${siteName} (Atom)`, href: '/feed.atom' },
  { type: 'application/feed+json', title: `${siteName} (JSON Feed)`, href: '/feed.json' },
];

/**
 * `alternates` replaces the site's feeds, for a page about another feed; `lang` and `dir` default
 * to Arabic, right to left.
 */
export type PageOptions = {
  title: string;
  siteName: string;
  body: string;
  head?: string;
  alternates?: FeedAlternate[];
  lang?: string;
  dir?: 'rtl' | 'ltr';
};

export function page({ title, siteName, body, head = '', alternates = siteAlternates(siteName), lang = 'ar', dir = 'rtl' }: PageOptions): string {
  return `<!doctype html>
<html lang="${esc(lang)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · ${esc(siteName)}</title>
<style>${STYLE}</style>
${alternates.map((a) => `<link rel="alternate" type="${esc(a.type)}" title="${esc(a.title)}" href="${esc(a.href)}">`).join('\n')}
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}
