/**
 * The OpenAPI 3.1 document of the partner API and feeds, generated from the zod schemas the
 * API answers with (`schemas.ts`), so the two cannot drift apart. OpenAPI 3.1 takes JSON
 * Schema 2020-12 as it is, which is what `z.toJSONSchema` writes.
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS } from '../feeds/formats.js';
import { articlePageSchema, articlesQuerySchema, errorSchema, partnerArticleSchema, tombstoneSchema } from './schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The named schemas, each referring to the others by `$ref`. */
function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  registry.add(partnerArticleSchema, { id: 'Article' });
  registry.add(tombstoneSchema, { id: 'Tombstone' });
  registry.add(articlePageSchema, { id: 'ArticlePage' });
  registry.add(errorSchema, { id: 'Error' });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  // The document says which dialect it uses once; each schema need not.
  return Object.fromEntries(Object.entries(schemas).map(([name, { $schema: _s, $id: _i, ...schema }]) => [name, schema]));
}

/** The query parameters of the change list, from its zod schema. */
function queryParameters(): Json[] {
  const schema = z.toJSONSchema(articlesQuerySchema, { io: 'input' }) as { properties: Record<string, Json & { description?: string }> };
  return Object.entries(schema.properties).map(([name, { description, ...s }]) => ({ name, in: 'query', required: false, ...(description ? { description } : {}), schema: s }));
}

const error = (description: string, extra: Json = {}) => ({ description, content: { 'application/json': { schema: ref('Error') } }, ...extra });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before asking again.', schema: { type: 'integer', minimum: 1 } } };
const etag = { ETag: { description: 'Strong validator of the body: send it back as If-None-Match.', schema: { type: 'string' } } };

/** Answers every authenticated operation can give besides its own. */
function commonResponses(): Json {
  return {
    '304': { description: 'Not modified: the If-None-Match you sent matches.' },
    '401': error('Missing, malformed, unknown, revoked or expired key.', { headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } }),
    '429': error("Over the key's requests per minute.", { headers: retryAfter }),
  };
}

function feedPaths(): Json {
  const paths: Json = {};
  for (const format of FEED_FORMATS) {
    const type = (FEED_CONTENT_TYPES[format].split(';')[0] as string).trim();
    const ok = { description: `The feed (${format.toUpperCase()}), your terms applied.`, headers: etag, content: { [type]: { schema: { type: 'string' } } } };
    paths[`/partners/feed.${format}`] = {
      get: { operationId: `feed_${format}`, summary: `Your feed, ${format.toUpperCase()}`, tags: ['Feeds'], responses: { '200': ok, ...commonResponses() } },
    };
    paths[`/partners/{key}/feed.${format}`] = {
      get: {
        operationId: `feed_${format}_key_in_path`,
        summary: `Your feed, ${format.toUpperCase()}, for readers that cannot send headers`,
        description: 'The key is part of the address: treat the whole address as a secret. Prefer the Authorization header.',
        tags: ['Feeds'],
        security: [],
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string', pattern: '^nsk_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}$' } }],
        responses: { '200': ok, ...commonResponses() },
      },
    };
  }
  return paths;
}

/** The whole document, with `PUBLIC_URL` as its server. */
export function openApiDocument(config: Pick<Config, 'PUBLIC_URL' | 'SITE_NAME'>): Json {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: `${config.SITE_NAME}: partner API`,
      version: '1.0.0',
      description: 'Articles for partner sites, under each partner’s terms. Guide: /partners/docs',
    },
    servers: [{ url: config.PUBLIC_URL }],
    security: [{ partnerKey: [] }],
    tags: [{ name: 'Articles' }, { name: 'Feeds' }],
    paths: {
      '/api/partner/v1/articles': {
        get: {
          operationId: 'listArticleChanges',
          summary: 'Changes to the articles you may see, oldest first',
          tags: ['Articles'],
          parameters: queryParameters(),
          responses: {
            '200': { description: 'A page of changes.', headers: etag, content: { 'application/json': { schema: ref('ArticlePage') } } },
            '400': error('Invalid query or cursor.'),
            '410': error('The cursor was issued under terms that have changed since: pull again from the start, without a cursor.'),
            ...commonResponses(),
          },
        },
      },
      '/api/partner/v1/articles/{id}': {
        get: {
          operationId: 'getArticle',
          summary: 'One article',
          tags: ['Articles'],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The article, your terms applied.', headers: etag, content: { 'application/json': { schema: ref('Article') } } },
            '404': error('No such article, or not one your terms let you see (yet).'),
            ...commonResponses(),
          },
        },
      },
      ...feedPaths(),
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: { partnerKey: { type: 'http', scheme: 'bearer', description: 'Your partner key: nsk_…' } },
    },
  };
}
