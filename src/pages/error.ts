/** Friendly Arabic error pages; never a stack trace. */
import type { AppError, ErrorCode } from '../errors.js';
import { esc, page } from './layout.js';

const MESSAGES: Partial<Record<ErrorCode, [string, string]>> = {
  not_found: ['الصفحة غير موجودة', 'لم نجد ما تبحث عنه. ربما تغيّر الرابط أو حُذفت الصفحة.'],
  invalid_token: ['الرابط غير صالح', 'هذا الرابط غير صالح أو انتهت صلاحيته. يمكنك طلب رابط جديد بالاشتراك مرة أخرى.'],
  invalid_request: ['تعذّر إتمام الطلب', 'بعض البيانات غير صحيحة. راجعها وحاول مرة أخرى.'],
  rate_limited: ['طلبات كثيرة', 'أرسلت طلبات كثيرة في وقت قصير. حاول بعد قليل.'],
  payload_too_large: ['الطلب كبير جدًا', 'حجم البيانات المرسلة أكبر من المسموح.'],
};

export function errorPage(err: AppError, siteName = 'نشرة'): string {
  const [title, text] = MESSAGES[err.code] ?? ['حدث خطأ', 'حدث خطأ غير متوقع من جهتنا. حاول مرة أخرى بعد قليل.'];
  return page({
    title,
    siteName,
    body: `<div class="card" role="alert"><h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">العودة إلى الصفحة الرئيسية</a></p></div>`,
  });
}
