/**
 * What every subscription page shares: the page shell in the page's language and direction,
 * the form styles (inline: pages load nothing from elsewhere), simple message cards.
 */
import { esc, page } from './layout.js';
import { dirOf, type Locale } from './i18n.js';

// Text colours reach 4.5:1 on white (error red #a4161a, hint grey #57606a), control borders 3:1.
const FORM_STYLE = `<style>
input[type=email],input[type=text],select{border-color:#857a66}
legend{font-weight:700;padding:0;margin-bottom:.25rem}
.hint{color:#57606a;font-size:.9rem;margin:0 0 .4rem}
.error{color:#a4161a;font-weight:700;margin:.25rem 0}
.errors{border:2px solid #a4161a;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem;background:#fff}
.errors h2{font-size:1.1rem;margin:.25rem 0}.errors ul{margin:.25rem 0;padding-inline-start:1.25rem}
[aria-invalid=true]{border:2px solid #a4161a}
label.choice{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.3rem 0}
label.choice input{width:1.2rem;height:1.2rem;margin:0;flex:none}
.checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:0 1rem}
.lang-switch{margin:0 0 .5rem;text-align:end}
.status{border-inline-start:4px solid #0b5d4b;background:#eef6f3;padding:.5rem .75rem;border-radius:4px}
.secondary{background:#fff;color:#0b5d4b;border:2px solid #0b5d4b}
</style>`;

/** A page in `locale` (its `lang` and `dir`), with the form styles. */
export function localePage(locale: Locale, opts: { title: string; siteName: string; body: string; head?: string }): string {
  return page({ ...opts, head: `${FORM_STYLE}${opts.head ?? ''}`, lang: locale, dir: dirOf(locale) });
}

/** A card: a heading, paragraphs of text (escaped here), then `extra` HTML. */
export function messageCard(title: string, paragraphs: readonly string[], extra = ''): string {
  return `<div class="card"><h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}${extra}</div>`;
}

/** A one-button form that POSTs to `action` (a same-site path). */
export function buttonForm(action: string, label: string, className = ''): string {
  const cls = className ? ` class="${esc(className)}"` : '';
  return `<form method="post" action="${esc(action)}"><button type="submit"${cls}>${esc(label)}</button></form>`;
}

/** A link to `href` (a same-site path). */
export const link = (href: string, text: string) => `<a href="${esc(href)}">${esc(text)}</a>`;
