/** Pages of the subscription cycle: sign up, check your inbox, confirmed, preferences, unsubscribe. */
import { esc, messagePage, page } from './layout.js';

export function subscribePage(siteName: string): string {
  return page({
    title: 'اشترك في النشرة',
    siteName,
    body: `<div class="card">
<h1>اشترك في نشرة ${esc(siteName)}</h1>
<p>أحدث مقالات الرأي والتحليل في بريدك، صباحًا.</p>
<form method="post" action="/subscribe">
<label for="email">بريدك الإلكتروني</label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email" dir="ltr">
<label for="name">اسمك (اختياري)</label>
<input id="name" name="name" type="text" maxlength="100" autocomplete="name">
<fieldset><legend><strong>كم مرة تصلك النشرة؟</strong></legend>
<label><input type="radio" name="frequency" value="daily" checked> يوميًا</label>
<label><input type="radio" name="frequency" value="weekly"> أسبوعيًا</label>
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">اتركه فارغًا</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">اشترك</button>
<p class="muted">سنرسل إليك رسالة لتأكيد عنوانك، ولن نرسل شيئًا قبل تأكيده. يمكنك إلغاء الاشتراك بنقرة واحدة في أي وقت.</p>
</form></div>`,
  });
}

export const checkInboxPage = (siteName: string) =>
  messagePage(siteName, 'تحقّق من بريدك', [
    'أرسلنا رسالة إلى عنوانك فيها رابط لتأكيد الاشتراك. افتحها واضغط الرابط لإتمام الاشتراك.',
    'إن لم تجدها خلال دقائق فابحث في مجلد الرسائل غير المرغوب فيها.',
  ]);

export const confirmedPage = (siteName: string) =>
  messagePage(siteName, 'تم تأكيد اشتراكك', ['شكرًا لك. ستصلك النشرة القادمة صباحًا.']);

export function unsubscribeFormPage(siteName: string, token: string): string {
  return page({
    title: 'إلغاء الاشتراك',
    siteName,
    body: `<div class="card"><h1>إلغاء الاشتراك</h1><p>هل تريد إيقاف رسائل ${esc(siteName)}؟</p>
<form method="post" action="/unsubscribe?token=${esc(encodeURIComponent(token))}"><button type="submit">ألغِ اشتراكي</button></form></div>`,
  });
}

export const unsubscribedPage = (siteName: string) =>
  messagePage(siteName, 'تم إلغاء اشتراكك', ['لن تصلك رسائل أخرى منا. نأسف لرحيلك.']);

export function preferencesPage(siteName: string, token: string, frequency: 'daily' | 'weekly', saved: boolean): string {
  const checked = (f: string) => (f === frequency ? ' checked' : '');
  return page({
    title: 'تفضيلات الاشتراك',
    siteName,
    body: `<div class="card"><h1>تفضيلات الاشتراك</h1>${saved ? '<p role="status">حُفظت تفضيلاتك.</p>' : ''}
<form method="post" action="/preferences?token=${esc(encodeURIComponent(token))}">
<fieldset><legend><strong>كم مرة تصلك النشرة؟</strong></legend>
<label><input type="radio" name="frequency" value="daily"${checked('daily')}> يوميًا</label>
<label><input type="radio" name="frequency" value="weekly"${checked('weekly')}> أسبوعيًا</label>
</fieldset><button type="submit">احفظ</button></form></div>`,
  });
}
