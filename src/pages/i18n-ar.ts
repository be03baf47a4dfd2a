/** The Arabic strings of the subscription pages and error pages (the default language). */

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

export const ar = {
  languageName: 'العربية',
  otherLanguage: 'English',
  backHome: 'العودة إلى الصفحة الرئيسية',
  signUpAgain: 'اشترك من جديد',
  hour,

  subscribeTitle: 'اشترك في النشرة',
  subscribeHeading: (site: string) => `اشترك في نشرة ${site}`,
  subscribeIntro: 'أحدث مقالات الرأي والتحليل في بريدك، في الساعة التي تختارها.',
  emailLabel: 'بريدك الإلكتروني',
  nameLabel: 'اسمك (اختياري)',
  frequencyLegend: 'كم مرة تصلك النشرة؟',
  frequency: { daily: 'يوميًا', weekly: 'أسبوعيًا' },
  weekdayLabel: 'يوم وصول النشرة الأسبوعية',
  weekdayHint: 'للنشرة الأسبوعية وحدها، أما اليومية فتصل كل يوم.',
  weekdayPlaceholder: '— اختر يومًا —',
  /** ISO order: Monday (1) first, Sunday (7) last. */
  weekdays: ['الاثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت', 'الأحد'],
  sectionsLegend: 'الأقسام',
  authorsLegend: 'الكتّاب',
  topicsHint: 'اختر ما يهمّك، أو لا تختر شيئًا لتصلك كلها.',
  topicsNoneMeansAll: 'إن لم تختر أي قسم ولا أي كاتب تصلك كل مقالات الرأي والتحليل.',
  timezoneLabel: 'منطقتك الزمنية',
  hourLabel: 'ساعة وصول النشرة بتوقيتك المحلي',
  hourHint: 'الساعة في منطقتك الزمنية المختارة أعلاه، لا بتوقيت الموقع.',
  languageLegend: 'لغة الرسائل والصفحات',
  honeypotLabel: 'اتركه فارغًا',
  subscribeButton: 'اشترك',
  subscribeNote: 'سنرسل إليك رسالة لتأكيد عنوانك، ولن نرسل شيئًا قبل تأكيده. يمكنك إلغاء الاشتراك بنقرة واحدة في أي وقت.',

  errorSummaryTitle: 'تعذّر إتمام الطلب',
  errorSummaryText: 'راجع ما يلي ثم أعد الإرسال:',
  errors: {
    emailRequired: 'اكتب عنوان بريدك الإلكتروني.',
    emailInvalid: 'هذا العنوان غير صحيح. اكتبه بصيغة مثل name@example.com.',
    nameTooLong: 'الاسم طويل جدًا: 100 حرف على الأكثر.',
    frequencyInvalid: 'اختر وتيرة النشرة: يوميًا أو أسبوعيًا.',
    sectionUnknown: 'أحد الأقسام المختارة لم يعد متاحًا. راجع اختيارك.',
    authorUnknown: 'أحد الكتّاب المختارين لم يعد متاحًا. راجع اختيارك.',
    timezoneInvalid: 'اختر منطقتك الزمنية من القائمة.',
    hourInvalid: 'اختر ساعة بين 00:00 و23:00.',
    weekdayInvalid: 'اختر يومًا من أيام الأسبوع.',
    localeInvalid: 'اختر العربية أو الإنجليزية.',
  },

  checkInboxTitle: 'تحقّق من بريدك',
  checkInboxText: [
    'إن كان العنوان يحتاج إلى تأكيد فستجد فيه رسالة منا فيها رابط التأكيد. افتحها واضغط الرابط لإتمام الاشتراك.',
    'إن لم تجدها خلال دقائق فابحث في مجلد الرسائل غير المرغوب فيها.',
  ],

  confirmTitle: 'أكّد اشتراكك',
  confirmText: (site: string) => `اضغط الزر لتأكيد اشتراكك في نشرة ${site}.`,
  confirmButton: 'أكّد اشتراكي',
  confirmedTitle: 'تم تأكيد اشتراكك',
  confirmedText: 'شكرًا لك. ستصلك النشرة القادمة في موعدها.',
  alreadyConfirmedTitle: 'اشتراكك مؤكَّد',
  alreadyConfirmedText: 'سبق أن أكّدت اشتراكك بهذا الرابط، فلا حاجة إلى استخدامه مرة أخرى.',
  preferencesLink: 'اختر الأقسام والكتّاب وموعد الوصول من صفحة التفضيلات',

  preferencesTitle: 'تفضيلات الاشتراك',
  preferencesIntro: 'اختر ما يصلك ومتى يصل. تُطبَّق التغييرات على النشرة القادمة.',
  preferencesSaved: 'حُفظت تفضيلاتك.',
  saveButton: 'احفظ التفضيلات',
  unsubscribeHint: 'لا تريد أي رسائل؟',
  unsubscribeLink: 'ألغِ اشتراكك',
  unsubscribedNotice: 'اشتراكك ملغى حاليًا، فلن تصلك رسائل منا.',

  unsubscribeTitle: 'إلغاء الاشتراك',
  unsubscribeQuestion: (site: string) => `هل تريد إيقاف رسائل ${site}؟`,
  unsubscribeButton: 'ألغِ اشتراكي',
  fewerInstead: 'تفضّل رسائل أقل؟',
  fewerInsteadLink: 'اجعلها أسبوعية أو اختر ما يهمّك',
  unsubscribedTitle: 'تم إلغاء اشتراكك',
  unsubscribedText: 'لن تصلك رسائل أخرى منا. نأسف لرحيلك.',
  undoQuestion: 'ألغيت الاشتراك خطأً؟',
  undoButton: 'تراجع وأعد اشتراكي',
  resubscribedTitle: 'عاد اشتراكك',
  resubscribedText: 'ستصلك النشرة كما كانت، بالاختيارات نفسها.',
  resubscribeRefusedTitle: 'تعذّرت إعادة الاشتراك',
  resubscribeRefusedText: 'لا يمكن إعادة هذا الاشتراك: العنوان موقوف عن استقبال رسائلنا أو حُذفت بياناته.',

  errorPages: {
    not_found: ['الصفحة غير موجودة', 'لم نجد ما تبحث عنه. ربما تغيّر الرابط أو حُذفت الصفحة.'],
    invalid_token: ['الرابط غير صالح', 'هذا الرابط غير صالح أو انتهت صلاحيته أو سبق استخدامه. يمكنك طلب رابط جديد بالاشتراك مرة أخرى.'],
    invalid_request: ['تعذّر إتمام الطلب', 'بعض البيانات غير صحيحة. راجعها وحاول مرة أخرى.'],
    rate_limited: ['طلبات كثيرة', 'أرسلت طلبات كثيرة في وقت قصير. حاول بعد قليل.'],
    payload_too_large: ['الطلب كبير جدًا', 'حجم البيانات المرسلة أكبر من المسموح.'],
    forbidden: ['تعذّر التحقق', 'لم نتمكن من التحقق من الطلب. أعد تحميل الصفحة وحاول مرة أخرى.'],
    internal: ['حدث خطأ', 'حدث خطأ غير متوقع من جهتنا. حاول مرة أخرى بعد قليل.'],
  } as Record<string, [string, string]>,
};

export type Strings = typeof ar;
