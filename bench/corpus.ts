/**
 * Deterministic Arabic commentary for seeding: titles, summaries and article HTML of 3–5 KB
 * (UTF-8) with headings, quotes, lists, links and figures, as publishers' CMSs send them.
 */

/** mulberry32: a small seeded PRNG, so every run seeds the same corpus. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return { next, int, pick };
}
export type Random = ReturnType<typeof createRandom>;

const TOPICS = [
  'الإصلاح الإداري', 'الانتقال الطاقي', 'السياسة المائية', 'التعليم العمومي', 'الاقتصاد الرقمي', 'الجهوية المتقدمة',
  'الدبلوماسية الثقافية', 'الأمن الغذائي', 'سوق الشغل', 'الحماية الاجتماعية', 'الاستثمار الأجنبي', 'الإعلام المستقل',
  'الذكاء الاصطناعي', 'العدالة المجالية', 'السياحة الداخلية', 'التغير المناخي', 'الصحة العمومية', 'المدن الذكية',
] as const;

const ANGLES = [
  'أسئلة ما بعد الأزمة', 'بين الطموح وحدود الموارد', 'قراءة في الأرقام الأخيرة', 'حين تتأخر الإصلاحات',
  'دروس من التجارب المقارنة', 'رهانات العقد المقبل', 'من الخطاب إلى التنفيذ', 'كلفة الانتظار',
  'ما الذي تغير فعلًا؟', 'نحو تعاقد جديد', 'أي دور للدولة؟', 'الفرص الضائعة والممكنة',
] as const;

const SENTENCES = [
  'تكشف المعطيات الرسمية الصادرة هذا الأسبوع عن تحول تدريجي في أولويات السياسات العمومية، وإن ظل أثره محدودًا على الحياة اليومية للمواطنين.',
  'يرى عدد من الباحثين أن المشكلة لا تكمن في غياب الرؤية، بل في ضعف آليات التتبع والتقييم وتشتت المسؤوليات بين القطاعات.',
  'وفي المقابل، تؤكد الحكومة أن الإصلاحات الجارية تحتاج إلى وقت كي تؤتي ثمارها، وأن المؤشرات الأولية تبعث على التفاؤل الحذر.',
  'لقد أظهرت التجارب المقارنة أن التغيير العميق ممكن، شرط أن يكون مخططًا له وتدريجيًا، وأن يحظى بثقة الفاعلين المحليين.',
  'ولا يمكن فهم هذا التحول بمعزل عن السياق الإقليمي، حيث تتسابق دول المنطقة على جذب الاستثمارات وتأهيل الرأسمال البشري.',
  'غير أن الأرقام وحدها لا تكفي؛ فالمواطن يقيس نجاعة السياسات بجودة الخدمات التي يتلقاها في المدرسة والمستشفى والإدارة.',
  'وتشير تقديرات المندوبية إلى أن نسبة النمو قد تبلغ 3.4 في المائة خلال السنة الجارية، مدفوعة بانتعاش الطلب الداخلي.',
  'من هنا تبرز الحاجة إلى نقاش عمومي هادئ يضع المصلحة العامة فوق الحسابات الانتخابية الضيقة والمزايدات الظرفية.',
  'ويذهب بعض المنتقدين إلى أن المقاربة المعتمدة تظل تقنية أكثر مما ينبغي، وتغفل البعد الاجتماعي والثقافي للتحولات الجارية.',
  'إن بناء الثقة بين الدولة والمجتمع يمر عبر الشفافية في تدبير المال العام، وإشراك المجتمع المدني في صياغة القرار.',
  'وقد سجلت التقارير الدولية تحسنًا ملحوظًا في بعض المؤشرات، مقابل تراجع مقلق في مؤشرات أخرى تتعلق بالتشغيل والإدماج.',
  'وفي ظل هذه المعطيات، يبدو أن الرهان الحقيقي هو القدرة على تحويل الالتزامات المعلنة إلى برامج ملموسة بميزانيات واضحة.',
  'تتطلب المرحلة المقبلة جرأة في اتخاذ القرار، لكنها تتطلب أيضًا إنصاتًا حقيقيًا لانتظارات الشباب والنساء وسكان القرى.',
  'ولعل أبرز ما يميز هذه التجربة هو انفتاحها على الخبرات الجامعية ومراكز البحث والتطوير (R&D) في الداخل والخارج.',
  'وبحسب مصادر مطلعة، فإن اللجنة المكلفة بالملف ستقدم خلاصاتها الأولى قبل نهاية السنة، مع توصيات تهم الإطار القانوني والتمويل.',
  'أما على المستوى المحلي، فقد أبانت الجماعات الترابية عن تفاوت كبير في القدرة على التنفيذ، بحسب مواردها وكفاءاتها البشرية.',
] as const;

const QUOTES = [
  'التغيير العميق ممكن، شرط أن يكون مخططًا وتدريجيًا.',
  'لا إصلاح من دون مساءلة، ولا مساءلة من دون معلومة متاحة للجميع.',
  'الثقة تُبنى بالنتائج، لا بالوعود.',
] as const;

const CAPTIONS = ['جانب من أشغال الندوة الوطنية', 'مشهد عام من المدينة', 'خلال زيارة ميدانية للمشروع', 'صورة أرشيفية'] as const;

export const SECTIONS = [
  { name: 'رأي', slug: 'opinion', commentary: true },
  { name: 'تحليل', slug: 'analysis', commentary: true },
  { name: 'اقتصاد', slug: 'economy', commentary: true },
  { name: 'ثقافة', slug: 'culture', commentary: true },
  { name: 'مجتمع', slug: 'society', commentary: true },
  { name: 'أخبار', slug: 'news', commentary: false },
] as const;

const FIRST = ['سعيد', 'ليلى', 'يوسف', 'نادية', 'كريم', 'سلمى', 'محمد', 'فاطمة', 'عمر', 'هدى', 'رشيد', 'إيمان', 'أنس', 'خديجة'] as const;
const LAST = ['الإدريسي', 'بنعلي', 'العلوي', 'الفاسي', 'التازي', 'الشرقاوي', 'بنكيران', 'المنصوري', 'الحسني', 'الزياني'] as const;

export function authorName(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}

export function tagName(i: number): string {
  const topic = TOPICS[i % TOPICS.length] as string;
  return i < TOPICS.length ? topic : `${topic} ${Math.floor(i / TOPICS.length) + 1}`;
}

export function titleFor(r: Random): string {
  return `${r.pick(TOPICS)}: ${r.pick(ANGLES)}`;
}

export function summaryFor(r: Random): string {
  return `${r.pick(SENTENCES)} ${r.pick(SENTENCES)}`;
}

function paragraph(r: Random): string {
  const n = r.int(2, 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = r.pick(SENTENCES);
    const roll = r.next();
    parts.push(roll < 0.1 ? `<strong>${s}</strong>` : roll < 0.18 ? `<a href="/articles/${r.int(1, 9999)}">${s}</a>` : s);
  }
  return `<p>${parts.join(' ')}</p>`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Article HTML of `r.int(3000, 5000)` UTF-8 bytes or a little more, with a figure and a quote. */
export function articleHtml(r: Random, siteUrl: string, imageName: string): string {
  const target = r.int(3000, 5000);
  const blocks = [paragraph(r), `<h2>${r.pick(ANGLES)}</h2>`, paragraph(r)];
  blocks.push(
    `<figure><img src="${siteUrl}/images/${imageName}-inline.jpg" alt="${r.pick(CAPTIONS)}" width="800" height="450"><figcaption>${r.pick(CAPTIONS)}</figcaption></figure>`,
  );
  blocks.push(`<blockquote><p>${r.pick(QUOTES)}</p></blockquote>`);
  blocks.push(`<ul>${[0, 1, 2].map(() => `<li>${r.pick(SENTENCES)}</li>`).join('')}</ul>`);
  while (bytes(blocks.join('')) < target) blocks.push(r.next() < 0.2 ? `<h3>${r.pick(ANGLES)}</h3>` : paragraph(r));
  return blocks.join('\n');
}
