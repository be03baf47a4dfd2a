/**
 * The partner guide at /partners/docs: Arabic, right to left, for the developers of partner
 * sites (Arabic-language publishers). Everything a developer copies (addresses, headers, field
 * names, commands) stays in English in left-to-right code blocks, exactly as it must be typed;
 * the prose around it is Arabic. The reference is the OpenAPI document.
 */
import type { Config } from '../config.js';
import { esc, page } from '../pages/layout.js';
import { SETTLE_MS } from './changes.js';

const STYLE = `<style>
pre,code{direction:ltr;text-align:left;unicode-bidi:isolate;font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.85rem}
pre{background:#fff;border:1px solid #c9c2b2;border-radius:6px;padding:.75rem;overflow-x:auto;white-space:pre}
code{background:#fff;padding:0 .25rem;border-radius:4px}h2{font-size:1.25rem;margin:1.75rem 0 .5rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e2ddd0;padding:.35rem;text-align:start;vertical-align:top}
</style>`;

const code = (s: string) => `<code dir="ltr">${esc(s)}</code>`;
const block = (s: string) => `<pre dir="ltr"><code>${esc(s)}</code></pre>`;

function sections(config: Pick<Config, 'PUBLIC_URL' | 'SITE_NAME'>): string[] {
  const base = config.PUBLIC_URL;
  const seconds = SETTLE_MS / 1000;
  return [
    `<h2 id="keys">المفتاح</h2>
<p>يتسلّم كل شريك مفتاحًا يبدأ بـ ${code('nsk_')} ويُعرض مرة واحدة عند إنشائه، فاحفظه في مكان آمن على خادمك. أرسله مع كل طلب في ترويسة ${code('Authorization')}:</p>
${block(`curl -H "Authorization: Bearer nsk_…" ${base}/partners/feed.rss`)}
<p>للمفتاح شكل ثابت ينتهي برمز تحقّق، فالمفتاح المنسوخ ناقصًا أو بحرف خاطئ يُرفض فورًا. ولا تضعه في شيفرة تعمل في متصفح الزائر ولا في مستودع عام. عند تدوير المفتاح يبقى القديم صالحًا إلى موعد نتفق عليه، فبدّله على خوادمك قبل ذلك الموعد.</p>`,

    `<h2 id="feeds">الخلاصات</h2>
<table><tr><th>الصيغة</th><th>العنوان</th></tr>
<tr><td>RSS 2.0</td><td>${code(`${base}/partners/feed.rss`)}</td></tr>
<tr><td>Atom 1.0</td><td>${code(`${base}/partners/feed.atom`)}</td></tr>
<tr><td>JSON Feed 1.1</td><td>${code(`${base}/partners/feed.json`)}</td></tr></table>
<p>فيها أحدث المقالات التي تسمح بها شروطك. إذا كان قارئ الخلاصات لا يستطيع إرسال الترويسات، فضع المفتاح في العنوان نفسه: ${code(`${base}/partners/<key>/feed.rss`)}. العنوان عندئذ سرٌّ كالمفتاح: لا تنشره ولا تشاركه، واطلب تدوير المفتاح إن تسرّب.</p>`,

    `<h2 id="api">الواجهة البرمجية</h2>
<p>${code('GET /api/partner/v1/articles?since=&cursor=&limit=')} يعيد التغييرات بترتيب زمني، من الأقدم إلى الأحدث: المقالات الجديدة والمعدّلة، و«شواهد الحذف» ${code('{ "id": "…", "deleted": true, "deletedAt": "…" }')} لكل مقال خرج من نطاقك (حُذف أو سُحب أو نُقل إلى قسم خارج شروطك)، فاحذف نسختك منه.</p>
<ul>
<li>${code('limit')}: من 1 إلى 100 (الافتراضي 50).</li>
<li>${code('nextCursor')}: مرّره في ${code('cursor')} لتطلب الصفحة التالية ما دام ${code('hasMore')} صحيحًا، ثم احفظه وابدأ منه السحب التالي بعد دقائق: ستصلك التغييرات التي وقعت بعده فقط، دون تكرار ودون أن يفوتك شيء.</li>
<li>${code('since')}: وقت بصيغة ISO 8601 للبدء منه إذا لم يكن لديك مؤشّر.</li>
<li>يظهر التغيير في هذه القائمة بعد نحو ${seconds} ثانية من وقوعه، ويظهر المقال المؤجَّل (الحظر الزمني) عند انتهاء مدته.</li>
<li>إذا تغيّرت شروطك صار المؤشّر القديم غير صالح، فيأتي الرد 410 ${code('gone')}: اسحب من البداية دون مؤشّر، واحذف من نسختك كل مقال لم يرد في ذلك السحب.</li>
</ul>
${block(`cursor=""
while :; do
  page=$(curl -s -H "Authorization: Bearer $NASHRA_KEY" "${base}/api/partner/v1/articles?limit=100&cursor=$cursor")
  # … save .items: upsert articles, delete ids with "deleted": true …
  cursor=$(echo "$page" | jq -r .nextCursor)
  [ "$(echo "$page" | jq .hasMore)" = true ] || break
done`)}
<p>${code('GET /api/partner/v1/articles/{id}')} يعيد مقالًا واحدًا، أو 404 لأي مقال لا تتيحه شروطك الآن.</p>`,

    `<h2 id="terms">الشروط</h2>
<ul>
<li><strong>النص أو الملخّص</strong>: قد تنص شروطك على الملخّص وحده؛ عندئذ لا يحوي ${code('contentHtml')} إلا الملخّص، في كل الصيغ.</li>
<li><strong>الأقسام</strong>: تصلك مقالات الأقسام المتفق عليها فقط، أو كلها إذا لم تُحدَّد.</li>
<li><strong>الحظر الزمني</strong>: لا يظهر المقال إلا بعد مدة محددة من نشره.</li>
<li><strong>الصور</strong>: قد تُستثنى الصور من المقالات.</li>
<li><strong>النسبة إلى المصدر</strong>: ينتهي نص كل مقال بسطر يذكر ${esc(config.SITE_NAME)} مع رابط إلى المقال الأصلي. اعرضه كما هو ولا تحذفه.</li>
<li><strong>الرابط القانوني</strong>: استعمل ${code('canonicalUrl')} (رابط العنصر في الخلاصات) رابطًا إلى المقال الأصلي وفي ${code('<link rel="canonical" href="…">')} في صفحتك. يحمل ${code('utm_source')} و${code('utm_medium=syndication')}، فأبقِهما.</li>
</ul>`,

    `<h2 id="limits">الحدود والتخزين المؤقت</h2>
<ul>
<li>لكل مفتاح عدد من الطلبات في الدقيقة. بعده يأتي الرد 429 مع ترويسة ${code('Retry-After')} بالثواني.</li>
<li>كل رد ناجح يحمل ${code('ETag')}: أرسله في ${code('If-None-Match')} في الطلب التالي، فإن لم يتغير شيء جاءك 304 دون محتوى.</li>
<li>الردود خاصة بك (${code('Cache-Control: private')}): لا تضعها في ذاكرة تخزين مشتركة.</li>
<li>الطلبات من المتصفح مسموحة فقط من النطاقات (origins) المسجّلة لك.</li>
</ul>`,

    `<h2 id="errors">الأخطاء</h2>
<p>الأخطاء في الواجهة البرمجية بصيغة JSON:</p>
${block('{ "error": { "code": "rate_limited", "message": "…", "retryAfter": 30 } }')}
<table><tr><th>الرمز</th><th>المعنى</th></tr>
<tr><td>400 ${code('invalid_request')}</td><td>معامل أو مؤشّر غير صالح.</td></tr>
<tr><td>401 ${code('unauthorized')}</td><td>مفتاح مفقود أو غير صالح أو ملغى أو منتهٍ.</td></tr>
<tr><td>404 ${code('not_found')}</td><td>لا يوجد، أو لا تتيحه شروطك الآن.</td></tr>
<tr><td>410 ${code('gone')}</td><td>مؤشّر صدر قبل تغيّر شروطك؛ اسحب من البداية.</td></tr>
<tr><td>429 ${code('rate_limited')}</td><td>تجاوزت عدد الطلبات في الدقيقة؛ انتظر ${code('Retry-After')}.</td></tr></table>`,

    `<h2 id="reference">المرجع</h2>
<p>وصف الواجهة الكامل بصيغة OpenAPI 3.1: <a href="/api/partner/openapi.json" dir="ltr">/api/partner/openapi.json</a></p>`,
  ];
}

/** The guide's HTML. */
export function partnerDocsPage(config: Pick<Config, 'PUBLIC_URL' | 'SITE_NAME'>): string {
  const intro = `<h1>دليل الشركاء</h1>
<p>تتيح ${esc(config.SITE_NAME)} للمواقع الشريكة إعادة نشر مقالاتها وفق شروط متفق عليها لكل شريك. تصلك المقالات في خلاصة (RSS أو Atom أو JSON Feed)، أو من واجهة برمجية بصيغة JSON تُبقي نسختك مطابقة للأصل.</p>`;
  return page({ title: 'دليل الشركاء', siteName: config.SITE_NAME, head: STYLE, body: `${intro}\n${sections(config).join('\n')}` });
}
