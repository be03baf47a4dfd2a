/** The admin API's JSON views of editions. */
import type { EditionDetail, EditionView } from './admin.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The admin API's view of an edition. */
export function editionToJson(v: EditionView) {
  const e = v.edition;
  return {
    id: e.id,
    cadence: e.cadence,
    periodKey: e.periodKey,
    segment: v.segment,
    status: e.status,
    windowStart: iso(e.windowStart),
    windowEnd: iso(e.windowEnd),
    sendAfter: iso(e.sendAfter),
    createdAt: iso(e.createdAt),
    completedAt: iso(e.completedAt),
    articleCount: (JSON.parse(e.articleIds) as string[]).length,
    counts: v.counts,
    stuck: v.stuck,
    problems: v.problems,
  };
}

/** The admin API's view of one edition with its pieces. */
export function editionDetailToJson(v: EditionDetail) {
  return {
    ...editionToJson(v),
    articles: v.articles.map((a) => ({
      id: a.id,
      slug: a.slug,
      title: a.title,
      status: a.status,
      author: { slug: a.author.slug, name: a.author.name },
      section: { slug: a.section.slug, name: a.section.name },
      url: a.canonicalUrl,
    })),
  };
}

export type EditionJson = ReturnType<typeof editionToJson>;
export type EditionDetailJson = ReturnType<typeof editionDetailToJson>;
