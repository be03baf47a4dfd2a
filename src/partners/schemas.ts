/**
 * The shapes of the partner features, in zod: what admins send (partners and their terms) and
 * what partners receive from the API. The OpenAPI document (`openapi.ts`) is generated from
 * the API schemas, so the document and the responses cannot drift apart.
 */
import { z } from 'zod';
import { cleanLine } from '../articles/input.js';
import { SLUG_PATTERN } from '../articles/slug.js';

/** Partner slugs are the `utm_source` of every link: Latin letters, digits and hyphens. */
export const PARTNER_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const partnerSlug = z.string().trim().toLowerCase().max(60).regex(PARTNER_SLUG_PATTERN, 'must be Latin letters and digits separated by single hyphens');
const sectionSlug = z.string().trim().max(200).regex(SLUG_PATTERN, 'must be a section slug');
const origin = z
  .string()
  .trim()
  .transform((o) => o.toLowerCase().replace(/\/+$/, ''))
  .pipe(z.string().max(200).regex(/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/, 'must be an origin such as https://www.example.ma'));

const termsFields = {
  name: z.string().transform(cleanLine).pipe(z.string().min(1, 'is required').max(200)),
  content: z.enum(['full', 'summary']),
  sections: z.array(sectionSlug).max(40),
  embargoMinutes: z.number().int().min(0).max(10_080),
  includeImages: z.boolean(),
  attributionText: z.string().transform(cleanLine).pipe(z.string().min(1).max(300)).nullable(),
  origins: z.array(origin).max(20),
  rateLimitPerMinute: z.number().int().min(1).max(10_000),
};

/** A new partner: a name, and terms (every one has a default). */
export const partnerCreateSchema = z
  .object({
    ...termsFields,
    slug: partnerSlug.optional(),
    content: termsFields.content.default('full'),
    sections: termsFields.sections.default([]),
    embargoMinutes: termsFields.embargoMinutes.default(0),
    includeImages: termsFields.includeImages.default(true),
    attributionText: termsFields.attributionText.default(null),
    origins: termsFields.origins.default([]),
    rateLimitPerMinute: termsFields.rateLimitPerMinute.default(60),
  })
  .strict();

/** Changed terms: only the fields sent change. The slug never changes (it is the partner's utm_source). */
export const partnerUpdateSchema = z.object(termsFields).partial().strict();

/** A rotation: until when the keys in use keep working beside the new one. */
export const keyRotationSchema = z.object({ oldKeysValidUntil: z.iso.datetime({ offset: true }).optional() }).strict();

export type PartnerCreateInput = z.output<typeof partnerCreateSchema>;
export type PartnerUpdateInput = z.output<typeof partnerUpdateSchema>;

// --- The partner API -------------------------------------------------------------------------

const term = z.object({ slug: z.string(), name: z.string() });

export const partnerArticleSchema = z
  .object({
    id: z.string().describe('Stable article id (a ULID).'),
    deleted: z.literal(false),
    title: z.string(),
    summary: z.string(),
    contentHtml: z.string().describe('The article HTML as your terms allow (the summary only, for summary-only terms), ending with the attribution line. Show it as given.'),
    canonicalUrl: z.string().describe('The original article, with utm_source and utm_medium=syndication. Use it as the link back and as rel="canonical".'),
    language: z.literal('ar'),
    section: term,
    author: term,
    tags: z.array(term),
    image: z.object({ url: z.string(), type: z.string().nullable(), length: z.number().int().nullable(), alt: z.string() }).nullable(),
    publishedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    changedAt: z.iso.datetime().describe('When the article last changed for you: the later of its last edit and the end of its embargo.'),
  })
  .strict();

export const tombstoneSchema = z
  .object({
    id: z.string(),
    deleted: z.literal(true),
    deletedAt: z.iso.datetime().describe('When the article left your view: deleted, unpublished, moved out of your sections or rescheduled.'),
  })
  .strict();

export const articlePageSchema = z
  .object({
    items: z.array(z.union([partnerArticleSchema, tombstoneSchema])).describe('Changes in order of time: articles and tombstones.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page, and keep it for the next pull; null only when nothing was ever returned.'),
    hasMore: z.boolean().describe('True when more changes are ready now.'),
  })
  .strict();

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), retryAfter: z.number().int().optional() }),
});

export const articlesQuerySchema = z
  .object({
    since: z.iso.datetime({ offset: true }).optional().describe('Only changes at or after this time. Ignored when `cursor` is given.'),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page or pull.'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  });

export type PartnerArticleJson = z.output<typeof partnerArticleSchema>;
export type TombstoneJson = z.output<typeof tombstoneSchema>;
export type ArticlePageJson = z.output<typeof articlePageSchema>;
