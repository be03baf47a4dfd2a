/**
 * What a person sees on opening a feed in a browser: an Arabic page that says what a feed is and
 * how to subscribe to it, and lists its items. It is made from the feed's own JSON Feed document,
 * so it shows exactly what the feed holds. Feed text is always written as text: item HTML is
 * never shown, only titles and summaries, escaped.
 */
import { z } from 'zod';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from '../feeds/formats.js';
import { formatArabicDate } from '../locale.js';
import { esc, page } from './layout.js';

const text = z.string().optional().catch(undefined);
const jsonFeedSchema = z.object({
  title: z.string().catch(''),
  description: text,
  home_page_url: text,
  next_url: text,
  items: z
    .array(
      z.object({
        url: text,
        title: text,
        summary: text,
        date_published: text,
        date_modified: text,
        authors: z.array(z.object({ name: text })).optional().catch(undefined),
      }),
    )
    .catch([]),
});

/** The parts of a JSON Feed document the page shows. */
export type PreviewFeed = z.infer<typeof jsonFeedSchema>;

/** Reads a JSON Feed document (UTF-8 bytes); fields of the wrong type are left out. Throws when it is not a JSON object. */
export function parseJsonFeed(bytes: Uint8Array): PreviewFeed {
  return jsonFeedSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export type FeedPreviewInput = {
  siteName: string;
  /** The format the person opened. */
  format: FeedFormat;
  /** The archive page opened, if one was. */
  archive?: number;
  /** Where the feed lives in `format`, as a whole (current) feed or as archive page `archive`. */
  urlOf: (format: FeedFormat, archive?: number) => string;
  /** Dates are shown as days in this time zone. */
  timeZone: string;
  feed: PreviewFeed;
};

const LABEL: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

const STYLE = `<style>
.card{margin:0 0 1rem;overflow-wrap:anywhere}h2{font-size:1.2rem;margin:0 0 .5rem}
.kind{display:inline-block;margin:0;padding:0 .6rem;border-radius:999px;background:#e6efe9;color:#0b5d4b;font-size:.85rem;font-weight:700}
.about{border-inline-start:4px solid #0b5d4b}.about ol{margin:.25rem 0 .75rem;padding-inline-start:1.25rem}.about li{margin:.3rem 0}
input.address{direction:ltr;text-align:left;font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9rem;background:#f4f1ea}
.items{list-style:none;margin:0;padding:0}.item h3{font-size:1.15rem;margin:0 0 .25rem;line-height:1.6}.item h3 a{text-decoration:none}
.item h3 a:hover{text-decoration:underline}.meta{margin:0 0 .5rem}
</style>`;

/** Only http(s) addresses become links; anything else in a feed is shown as text or left out. */
const isWebUrl = (url: string | undefined): url is string => url !== undefined && /^https?:\/\//i.test(url.trim());

/** The archive page a JSON Feed `next_url` points to (`?archive=N`), if it names one. */
function archiveOf(url: string | undefined): number | undefined {
  if (!isWebUrl(url)) return undefined;
  const n = Number(new URL(url).searchParams.get('archive') ?? NaN);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

function day(iso: string | undefined, timeZone: string): string {
  const date = iso === undefined ? undefined : new Date(iso);
  if (!date || Number.isNaN(date.getTime())) return '';
  return `<time datetime="${esc(date.toISOString())}">${esc(formatArabicDate(date, timeZone))}</time>`;
}

function itemCard(item: PreviewFeed['items'][number], timeZone: string): string {
  const title = esc(item.title?.trim() || '(بلا عنوان)');
  const heading = isWebUrl(item.url) ? `<a href="${esc(item.url.trim())}">${title}</a>` : title;
  const author = (item.authors ?? []).map((a) => a.name?.trim()).filter(Boolean).join('، ');
  const date = day(item.date_published ?? item.date_modified, timeZone);
  const meta = [author ? `<bdi class="author">${esc(author)}</bdi>` : '', date].filter(Boolean).join(' · ');
  const summary = item.summary?.trim();
  return `<li class="card item"><h3>${heading}</h3>${meta ? `<p class="meta muted">${meta}</p>` : ''}${summary ? `<p class="summary">${esc(summary)}</p>` : ''}</li>`;
}

function subscribeCard(input: FeedPreviewInput, title: string): string {
  const { format, urlOf } = input;
  const others = FEED_FORMATS.filter((f) => f !== format)
    .map((f) => `<a href="${esc(urlOf(f))}" dir="ltr">${LABEL[f]}</a>`)
    .join(' · ');
  return `<section class="card about" aria-labelledby="about-title">
<h2 id="about-title">ما هذه الصفحة؟</h2>
<p>هذه <strong>خلاصة</strong> (${LABEL[format]}): عنوان تتابع به جديد «${esc(title)}» في تطبيق لقراءة الخلاصات، فتصلك المقالات الجديدة فور نشرها دون أن تزور الموقع ودون بريد إلكتروني. المتصفح يعرضها بهذا الشكل، أما قارئ الخلاصات فيتابعها نيابة عنك.</p>
<h2>كيف تشترك؟</h2>
<ol>
<li><label for="feed-address">انسخ عنوان الخلاصة:</label><input id="feed-address" class="address" type="text" readonly dir="ltr" value="${esc(urlOf(format))}"></li>
<li>الصقه في قارئ خلاصات مثل Feedly أو Inoreader أو NetNewsWire أو Miniflux، في خانة الإضافة أو المتابعة.</li>
<li>ستظهر المقالات الجديدة في القارئ تلقائيًا، ويمكنك إلغاء المتابعة منه متى شئت.</li>
</ol>
<p class="formats">الخلاصة نفسها بصيغ أخرى: ${others}</p>
<p class="muted"><a href="/feeds">كل خلاصات الموقع</a> · تفضّل البريد الإلكتروني؟ <a href="/subscribe">اشترك في النشرة البريدية</a>.</p>
</section>`;
}

/**
 * The HTML page for a feed document. On an archive page, the address to subscribe to and the
 * other formats are those of the current feed (an archive page never gets new articles).
 */
export function feedPreviewPage(input: FeedPreviewInput): string {
  const { siteName, format, archive, urlOf, timeZone, feed } = input;
  const title = feed.title.trim() || siteName;
  const home = isWebUrl(feed.home_page_url) ? `<p><a href="${esc(feed.home_page_url.trim())}">زيارة الموقع</a></p>` : '';
  const description = feed.description?.trim() ? `<p>${esc(feed.description.trim())}</p>` : '';
  const archiveNote = archive
    ? `<p class="archive muted">هذه صفحة الأرشيف رقم ${archive} من الخلاصة: مقالات أقدم لا تتغير. <a href="${esc(urlOf(format))}">أحدث المقالات</a></p>`
    : '';
  const older = archiveOf(feed.next_url);
  const items = feed.items.length
    ? `<ol class="items">${feed.items.map((i) => itemCard(i, timeZone)).join('')}</ol>`
    : '<p class="card muted">لا توجد مقالات في هذه الخلاصة بعد.</p>';
  return page({
    title: title === siteName ? `خلاصة ${LABEL[format]}` : `${title} · خلاصة ${LABEL[format]}`,
    siteName,
    alternates: FEED_FORMATS.map((f) => ({ type: FEED_CONTENT_TYPES[f].split(';')[0] as string, title: `${title} (${LABEL[f]})`, href: urlOf(f) })),
    // The page repeats the feed: search engines should index the articles, not this.
    head: `<meta name="robots" content="noindex">\n${STYLE}`,
    body: `<header class="card">
<p class="kind">خلاصة ${LABEL[format]}</p>
<h1>${esc(title)}</h1>
${description}${archiveNote}${home}
</header>
${subscribeCard(input, title)}
<section aria-labelledby="items-title">
<h2 id="items-title">${archive ? 'مقالات هذه الصفحة' : 'أحدث المقالات'}</h2>
${items}
${older ? `<p><a href="${esc(urlOf(format, older))}" rel="prev">مقالات أقدم</a></p>` : ''}
</section>`,
  });
}
