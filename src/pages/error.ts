/** Friendly error pages, Arabic unless the page's locale says English; never a stack trace. */
import type { ErrorCode } from '../errors.js';
import { esc } from './layout.js';
import { localePath, strings, type Locale } from './i18n.js';
import { localePage } from './subscription-shell.js';

/**
 * The page for an error with this code. A bad or expired link (`invalid_token`) offers to sign
 * up again, since that mails a fresh link.
 */
export function errorPage(err: { code: ErrorCode }, siteName = 'نشرة', locale: Locale = 'ar'): string {
  const t = strings(locale);
  const [title, text] = t.errorPages[err.code] ?? t.errorPages.internal!;
  const again = err.code === 'invalid_token' ? `<p><a href="${esc(localePath('/subscribe', locale))}">${esc(t.signUpAgain)}</a></p>` : '';
  return localePage(locale, {
    title,
    siteName,
    body: `<div class="card" role="alert"><h1>${esc(title)}</h1><p>${esc(text)}</p>${again}<p><a href="/">${esc(t.backHome)}</a></p></div>`,
  });
}
