/**
 * A handful of realistic Arabic commentary pieces, so a fresh install has something to show
 * in its feeds and digests. Publication times are relative to the clock at seeding.
 */
import { articleInputSchema, type ArticleInput } from '../articles/input.js';
import { createArticle } from '../articles/service.js';
import type { Deps } from '../deps.js';
import { listArticlesPage } from '../storage/articles.js';
import { SAMPLE_IMAGES, samplePng } from './sample-image.js';

const OPINION = { name: 'رأي', slug: 'opinion', commentary: true };
const ANALYSIS = { name: 'تحليل', slug: 'analysis', commentary: true };
const NEWS = { name: 'أخبار', slug: 'news', commentary: false };

type SeedPiece = Omit<ArticleInput, 'status' | 'publishedAt' | 'image'> & { hoursAgo: number; image: keyof typeof SAMPLE_IMAGES };

const PIECES: SeedPiece[] = [
  {
    title: '2300 أكيم وذكاء اصطناعي: كيف يقود الريف كازاخستان نحو الإصلاح والاستقرار',
    slug: 'kazakhstan-rural-reform-ai',
    summary: 'تجربة انتخاب رؤساء البلديات الريفية مباشرة، ثلثهم بلا خبرة سابقة في الوظيفة العامة، تكشف نموذجًا للإصلاح التدريجي يجمع التجديد السياسي والمساءلة المحلية.',
    contentHtml: '<p>تسعى كازاخستان اليوم لتقديم نموذج جديد في الإدارة السياسية والاقتصادية، قائم على الإصلاح التدريجي والاستقرار الداخلي.</p><p>تجربة البلاد في دمقرطة السلطة التنفيذية على مستوى الريف تُعد من أبرز الأمثلة على هذا النهج: أكثر من 2300 رئيس بلدية ريفية تم انتخابهم بشكل مباشر.</p><blockquote><p>التغيير العميق ممكن، شرط أن يكون مخططًا وتدريجيًا.</p></blockquote>',
    section: ANALYSIS, author: { name: 'سعيد الإدريسي', slug: 'said-idrissi' }, tags: [{ name: 'كازاخستان', slug: 'kazakhstan' }, { name: 'إصلاح', slug: 'reform' }, { name: 'ذكاء اصطناعي', slug: 'ai' }],
    hoursAgo: 3, image: 'kazakhstan',
  },
  {
    title: 'الملكية الروحية والدبلوماسية: قراءة في استراتيجية المغرب الدولية',
    slug: 'morocco-spiritual-diplomacy',
    summary: 'حين يصبح الدين ورقة نفوذ ناعم: كيف وظّف المغرب إرثه الروحي في بناء حضوره الإفريقي والدولي.',
    contentHtml: '<p>المغرب والإقناع الروحي: حين يصبح الدين ورقة نفوذ في السياسة الخارجية.</p><p>من تكوين الأئمة الأفارقة إلى الزوايا العابرة للحدود، تتشكل شبكة تأثير لا تقوم على القوة الصلبة.</p>',
    section: OPINION, author: { name: 'ليلى بنعلي', slug: 'layla-benali' }, tags: [{ name: 'المغرب', slug: 'morocco' }, { name: 'دبلوماسية', slug: 'diplomacy' }],
    hoursAgo: 7, image: 'diplomacy',
  },
  {
    title: 'أي دور للدبلوماسية الشعبية في دعم الدبلوماسية الملكية المغربية؟',
    slug: 'public-diplomacy-morocco',
    summary: 'المجتمع المدني والجامعات والجاليات: روافد تستطيع أن تمنح الدبلوماسية الرسمية عمقًا وصدقية.',
    contentHtml: '<p>حرصت الدبلوماسية الملكية المغربية منذ القدم على تعزيز مكانة المملكة إقليميًا ودوليًا.</p><p>غير أن الرهانات الجديدة تتطلب إشراك الفاعلين غير الرسميين في الدفاع عن القضايا الوطنية.</p>',
    section: OPINION, author: { name: 'يوسف العلوي', slug: 'youssef-alaoui' }, tags: [{ name: 'المغرب', slug: 'morocco' }, { name: 'دبلوماسية', slug: 'diplomacy' }, { name: 'المجتمع المدني', slug: 'civil-society' }],
    hoursAgo: 20, image: 'public-diplomacy',
  },
  {
    title: 'حكومة مونديال 2026: كيف يعيد أوزين تعريف معنى الحكم ويستحضر «يوم الحساب»؟',
    slug: 'world-cup-2026-government',
    summary: 'هل يملك أحد الجرأة لقيادة «حكومة مونديال» تضع المحاسبة قبل الاحتفال؟ قراءة في خطاب سياسي يستعير لغة الحساب.',
    contentHtml: '<p>هل يملك أحد الجرأة لقيادة «حكومة مونديال 2026» في بلد ينتظر من الحدث أكثر من ملاعب جديدة؟</p><p>الخطاب الذي يستحضر «يوم الحساب» يضع الحكومة أمام امتحان النتائج لا الوعود.</p>',
    section: OPINION, author: { name: 'سعيد الإدريسي', slug: 'said-idrissi' }, tags: [{ name: 'المغرب', slug: 'morocco' }, { name: 'كأس العالم', slug: 'world-cup' }, { name: 'حكومة', slug: 'government' }],
    hoursAgo: 30, image: 'world-cup',
  },
  {
    title: 'الرقمنة في خدمة الفلاح: البيانات بديلًا عن الحدس',
    slug: 'digital-agriculture-data',
    summary: 'من التنبؤ بالمحاصيل إلى مراقبة الموارد المائية، تتحول البيانات إلى أداة للحكم الرشيد في القطاع الزراعي.',
    contentHtml: '<p>استخدام البيانات الرقمية في الزراعة، والتنبؤ بالمحاصيل، ومراقبة الموارد، يعكس رؤية شاملة لتحويل التكنولوجيا إلى أداة للحكم الرشيد.</p>',
    section: ANALYSIS, author: { name: 'نادية الفاسي', slug: 'nadia-fassi' }, tags: [{ name: 'ذكاء اصطناعي', slug: 'ai' }, { name: 'زراعة', slug: 'agriculture' }],
    hoursAgo: 50, image: 'agriculture',
  },
  {
    title: 'افتتاح منتدى الرباط للحوار الإفريقي بمشاركة ثلاثين دولة',
    slug: 'rabat-african-dialogue-forum',
    summary: 'انطلقت أشغال المنتدى بحضور وزراء وخبراء من ثلاثين دولة إفريقية.',
    contentHtml: '<p>انطلقت صباح اليوم في الرباط أشغال منتدى الحوار الإفريقي بمشاركة وزراء وخبراء من ثلاثين دولة.</p>',
    section: NEWS, author: { name: 'هيئة التحرير', slug: 'newsroom' }, tags: [{ name: 'إفريقيا', slug: 'africa' }],
    hoursAgo: 5, image: 'forum',
  },
];

/** Adds the sample articles when there are none. Returns how many were added. */
export async function seedIfEmpty(deps: Deps): Promise<number> {
  const existing = await listArticlesPage(deps.db, { limit: 1 });
  if (existing.items.length > 0) return 0;
  const now = deps.clock.now().getTime();
  for (const { hoursAgo, image, ...piece } of [...PIECES].reverse()) {
    const bytes = await samplePng(...(SAMPLE_IMAGES[image] as Parameters<typeof samplePng>));
    const input = articleInputSchema.parse({
      ...piece,
      status: 'published',
      publishedAt: new Date(now - hoursAgo * 3600_000).toISOString(),
      // Served by Nashra itself (routes/sample-images.ts), with their real size.
      image: { url: `${deps.config.PUBLIC_URL}/sample-images/${image}.png`, type: 'image/png', length: bytes.length, alt: piece.title },
    });
    await createArticle(deps, input);
  }
  return PIECES.length;
}
