/**
 * All of Nashra's settings, validated once at each entry (`node.ts`, `worker.ts`, `cli.ts`).
 * Every variable is documented in README's configuration table; keep the two in step.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Africa/Casablanca');

export const configSchema = z.object({
  PUBLIC_URL: url.default('http://localhost:8787'),
  SITE_URL: url.optional(),
  SITE_NAME: z.string().min(1).default('نشرة'),
  SITE_DESCRIPTION: z.string().default('مقالات الرأي والتحليل'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters'),
  MAIL_FROM: z.string().min(3).default('نشرة <newsletter@localhost>'),
  MAIL_REPLY_TO: z.string().optional(),
  MAIL_LOG_ONLY: bool.default(false),
  // A mailbox the publisher reads: List-Unsubscribe then offers it beside the https URL.
  UNSUBSCRIBE_MAILTO: z.string().email('must be an email address').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  // An email provider's HTTP API instead of SMTP (Resend-style JSON POST with an Idempotency-Key).
  MAIL_API_URL: url.optional(),
  MAIL_API_KEY: z.string().min(8).optional(),
  FEED_ITEMS: z.coerce.number().int().min(1).max(500).default(50),
  FEED_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(300),
  FEED_ARCHIVE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(86_400),
  // An endpoint, not a base: kept as the URL parser normalises it (trailing slash and all).
  WEBSUB_HUB_URL: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').transform((u) => new URL(u).href).optional(),
  DIGEST_MAX_ITEMS: z.coerce.number().int().min(1).max(50).default(10),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  DIGEST_TIMEZONE: timezone.default('Africa/Casablanca'),
  DIGEST_WEEKDAY: z.coerce.number().int().min(1).max(7).default(6),
  // Minutes between planning an edition and sending it, in which editors may drop or reorder pieces.
  DIGEST_REVIEW_MINUTES: z.coerce.number().int().min(0).max(1440).default(0),
  // Show the Hijri (Umm al-Qura) date beside the Gregorian one in digests and the archive.
  DIGEST_HIJRI: bool.default(false),
  // How long a sender holds a delivery it claimed; after a crash, others retry it once this passes.
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  // Node: SMTP connections kept open, and messages per second across them (0: no limit).
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(0).max(10_000).default(0),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  CONSENT_POLICY_VERSION: z.string().min(1).default('2026-11'),
  // Origins allowed to call /api/subscribers from a browser (comma-separated, exact origins).
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
    .refine((list) => list.every((o) => /^https?:\/\/[^/]+$/.test(o)), 'must be a comma-separated list of origins such as https://www.example.ma'),
  TURNSTILE_SITE_KEY: z.string().optional(),
  TURNSTILE_SECRET: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // Node: how many reverse proxies in front of Nashra append to X-Forwarded-For (0: trust none).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Node only
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_PATH: z.string().default('./data/nashra.db'),
  // SQLite's page cache, and how much of the file it may map into memory (0: read through the cache).
  SQLITE_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(32),
  SQLITE_MMAP_MB: z.coerce.number().int().min(0).max(65536).default(0),
  OUTBOX_DIR: z.string().default('./data/outbox'),
  SCHEDULER: bool.default(true),
  SEED: bool.default(true),
});

export type Config = Omit<z.infer<typeof configSchema>, 'SITE_URL'> & { SITE_URL: string };

/**
 * Parses settings from an environment record. Throws an `Error` whose message names every
 * offending variable, so a bad deployment stops at start-up and says why.
 */
export function parseConfig(env: Record<string, unknown>): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (typeof v === 'string' && v.trim() !== '') input[key] = v.trim();
    else if (typeof v === 'number' || typeof v === 'boolean') input[key] = String(v);
  }
  const parsed = configSchema.safeParse(input);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
  if (input.MAIL_API_URL && !input.MAIL_API_KEY) lines.push('  MAIL_API_KEY: required with MAIL_API_URL');
  if (!parsed.success || lines.length) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return { ...parsed.data, SITE_URL: parsed.data.SITE_URL ?? parsed.data.PUBLIC_URL };
}
