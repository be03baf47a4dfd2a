/** What editors send to create or replace an article, validated with zod. */
import { z } from 'zod';
import { SLUG_PATTERN, slugify } from './slug.js';

/** Drops C0/C1 control characters (illegal in XML and useless in text); folds line breaks. */
export const cleanLine = (s: string) =>
  s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/g, '').trim();
const cleanText = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g, '').trim();

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const slug = z.string().trim().max(200).regex(SLUG_PATTERN, 'must be letters and digits separated by single hyphens');

const termName = z.string().transform(cleanLine).pipe(z.string().min(1).max(200));

/** For names with no letter or digit at all: a stable slug from a hash of the name. */
function fallbackSlug(name: string): string {
  let h = 0x811c9dc5; // FNV-1a
  for (const ch of name) h = Math.imul(h ^ (ch.codePointAt(0) as number), 0x01000193) >>> 0;
  return `t-${h.toString(36)}`;
}

/** A section, author or tag: a name, or `{ name, slug?, commentary? }`. */
const term = z
  .union([termName, z.object({ name: termName, slug: slug.optional(), commentary: z.boolean().optional() }).strict()])
  .transform((t) => {
    const o = typeof t === 'string' ? { name: t } : t;
    return { ...o, slug: o.slug ?? (slugify(o.name) || fallbackSlug(o.name)) };
  });

export const articleInputSchema = z
  .object({
    title: z.string().transform(cleanLine).pipe(z.string().min(1, 'is required').max(10_000)),
    slug: slug.optional(),
    summary: z.string().transform(cleanText).pipe(z.string().max(5000)),
    contentHtml: z.string().max(1_000_000),
    section: term,
    author: term,
    tags: z.array(term).max(50).default([]),
    image: z
      .object({
        url: httpUrl,
        type: z.string().trim().toLowerCase().regex(/^image\/[a-z0-9.+-]+$/, 'must be an image MIME type'),
        length: z.number().int().min(0),
        alt: z.string().transform(cleanLine).pipe(z.string().max(500)).default(''),
      })
      .strict()
      .nullish(),
    canonicalUrl: httpUrl.optional(),
    publishedAt: z.iso.datetime({ offset: true }).optional(),
    status: z.enum(['draft', 'published']),
  })
  .strict();

export type ArticleInput = z.output<typeof articleInputSchema>;
