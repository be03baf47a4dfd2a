/**
 * The drizzle schema: the single description of Nashra's tables. The SQL migrations in `db/`
 * are generated from it (`npx drizzle-kit generate`) and applied by both runtimes.
 * Times are stored as integer milliseconds since the epoch (UTC).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { isOpen, isSettled } from './delivery-states.js';

const ms = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const sections = sqliteTable('sections', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** Whether pieces in this section are commentary, and so go into digests. */
  isCommentary: integer('is_commentary', { mode: 'boolean' }).notNull().default(true),
  createdAt: ms('created_at').notNull(),
});

export const authors = sqliteTable('authors', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const tags = sqliteTable('tags', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const articles = sqliteTable(
  'articles',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    /** Sanitized on the way in; never stored raw. */
    contentHtml: text('content_html').notNull(),
    language: text('language').notNull().default('ar'),
    sectionId: text('section_id').notNull().references(() => sections.id),
    authorId: text('author_id').notNull().references(() => authors.id),
    imageUrl: text('image_url'),
    imageType: text('image_type'),
    imageLength: integer('image_length'),
    imageAlt: text('image_alt'),
    canonicalUrl: text('canonical_url').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    publishedAt: ms('published_at'),
    /**
     * When readers could first see it: the later of its publication time and the moment it was
     * stored as published. Digests take pieces by this, so a piece backdated on the way in is
     * still picked up by the next edition.
     */
    listedAt: ms('listed_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('articles_status_published_idx').on(t.status, t.publishedAt, t.id),
    index('articles_status_listed_idx').on(t.status, t.listedAt),
    index('articles_section_idx').on(t.sectionId, t.publishedAt),
    index('articles_author_idx').on(t.authorId, t.publishedAt),
  ],
);

export const articleTags = sqliteTable(
  'article_tags',
  {
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    tagId: text('tag_id').notNull().references(() => tags.id),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.tagId] }), index('article_tags_tag_idx').on(t.tagId)],
);

export const subscribers = sqliteTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    /** Normalised address (domain lower-cased); unique. */
    email: text('email').notNull().unique(),
    name: text('name'),
    status: text('status', { enum: ['pending', 'confirmed', 'unsubscribed'] }).notNull(),
    frequency: text('frequency', { enum: ['daily', 'weekly'] }).notNull(),
    timezone: text('timezone').notNull().default('Africa/Casablanca'),
    preferredHour: integer('preferred_hour').notNull().default(7),
    /** Weekly readers: the ISO weekday (Monday 1 … Sunday 7) their digest comes on. */
    preferredWeekday: integer('preferred_weekday').notNull().default(6),
    /**
     * The content segment the chosen topics make (`segmentKeyOf`): readers with the same one get
     * the same edition. Written with the topics, in the same batch.
     */
    segmentKey: text('segment_key').notNull().default('all'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    confirmedAt: ms('confirmed_at'),
    unsubscribedAt: ms('unsubscribed_at'),
    confirmationSentAt: ms('confirmation_sent_at'),
    // Consent record: when, from where, through what, under which policy.
    consentAt: ms('consent_at').notNull(),
    consentIp: text('consent_ip'),
    consentUserAgent: text('consent_user_agent'),
    consentSource: text('consent_source', { enum: ['page', 'api', 'import'] }).notNull(),
    consentPolicyVersion: text('consent_policy_version').notNull(),
    /** The language of pages and emails for this reader. */
    locale: text('locale', { enum: ['ar', 'en'] }).notNull().default('ar'),
    /** Soft bounces since the last delivery that went through; enough of them suppress the address. */
    softBounces: integer('soft_bounces').notNull().default(0),
    /** Set while the address is on the suppression list: nothing is mailed to it. */
    suppressedAt: ms('suppressed_at'),
    /** Set when an admin erased the personal data; the row stays for aggregate counts. */
    erasedAt: ms('erased_at'),
  },
  (t) => [
    index('subscribers_status_frequency_idx').on(t.status, t.frequency, t.id),
    index('subscribers_due_idx').on(t.status, t.frequency, t.timezone, t.segmentKey),
    // Sign-up finds an address whatever the case of its letters.
    index('subscribers_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

/**
 * What a reader chose to receive: sections and authors. None of a kind means all of that kind.
 */
export const subscriberTopics = sqliteTable(
  'subscriber_topics',
  {
    subscriberId: text('subscriber_id').notNull().references(() => subscribers.id),
    kind: text('kind', { enum: ['section', 'author'] }).notNull(),
    termId: text('term_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.kind, t.termId] })],
);

/**
 * Addresses nothing is mailed to, not even a confirmation after a new sign-up, until an admin
 * lifts the entry. Keyed by a keyed hash of the normalised address (`addressKey`), so the list
 * survives erasing the subscriber without keeping the address itself.
 */
export const suppressions = sqliteTable('suppressions', {
  addressKey: text('address_key').primaryKey(),
  reason: text('reason', { enum: ['hard_bounce', 'soft_bounces', 'complaint', 'manual'] }).notNull(),
  /** Where it came from: `smtp`, `webhook:<provider>`, `dsn`, `admin`. */
  source: text('source').notNull(),
  detail: text('detail'),
  createdAt: ms('created_at').notNull(),
});

/** Fixed-window counters for rate limits, shared by every instance through the database. */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: ms('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Provider events already applied (webhooks are retried: each is applied once). */
export const mailEvents = sqliteTable('mail_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: ms('received_at').notNull(),
});

export const editions = sqliteTable(
  'editions',
  {
    id: text('id').primaryKey(),
    cadence: text('cadence', { enum: ['daily', 'weekly'] }).notNull(),
    /** The period this edition covers, e.g. `2026-11-29` (daily) or `2026-W48` (weekly), in its readers' own time zones. */
    periodKey: text('period_key').notNull(),
    /** The content segment (`segmentKeyOf`): `all`, or the sections and authors its readers chose. */
    segmentKey: text('segment_key').notNull().default('all'),
    /**
     * review: editors may drop or reorder pieces until `sendAfter`; sending; paused (by an
     * editor); sent (every delivery settled); skipped (nothing new, nothing sent); cancelled.
     */
    status: text('status', { enum: ['review', 'sending', 'paused', 'sent', 'skipped', 'cancelled'] }).notNull(),
    /** Pieces listed after this instant (exclusive) and up to `windowEnd` (inclusive). */
    windowStart: ms('window_start'),
    windowEnd: ms('window_end').notNull(),
    /** JSON array of article ids, in the order they appear in the digest. */
    articleIds: text('article_ids').notNull().default('[]'),
    /** Sending starts no earlier than this (the end of the review window). */
    sendAfter: ms('send_after'),
    createdAt: ms('created_at').notNull(),
    completedAt: ms('completed_at'),
    /**
     * When its first delivery was submitted: the archive's date for it, and what makes it public.
     * Written with that delivery's outcome (see `finishAndClaim`), never changed afterwards.
     */
    firstSubmittedAt: ms('first_submitted_at'),
    /**
     * The latest submission a sender recorded, written when its batch ends: with a lease still
     * held, what tells a send that is moving from one that stopped (see `sendHealth`).
     */
    lastSubmittedAt: ms('last_submitted_at'),
  },
  (t) => [
    uniqueIndex('editions_period_segment_uq').on(t.cadence, t.periodKey, t.segmentKey),
    index('editions_status_idx').on(t.status, t.createdAt),
    index('editions_segment_window_idx').on(t.cadence, t.segmentKey, t.windowEnd),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    editionId: text('edition_id').notNull().references(() => editions.id),
    subscriberId: text('subscriber_id').notNull().references(() => subscribers.id),
    /** The edition's cadence and period, repeated so a reader gets one digest per period whatever their segment. */
    cadence: text('cadence', { enum: ['daily', 'weekly'] }).notNull(),
    periodKey: text('period_key').notNull(),
    /**
     * pending → sending (leased) → submitted | failed | bounced (the server refused the
     * recipient for good) | skipped (unsubscribed, suppressed or cancelled meanwhile).
     */
    status: text('status', { enum: ['pending', 'sending', 'submitted', 'failed', 'bounced', 'skipped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** While `sending`, the claim is held until this instant; after it, another sender may retry. */
    leaseUntil: ms('lease_until'),
    /** When it was last put on the Workers Queue; the cron does not enqueue it again soon after. */
    queuedAt: ms('queued_at'),
    /** After a temporary failure, not tried again before this instant (exponential backoff). */
    nextAttemptAt: ms('next_attempt_at'),
    messageId: text('message_id'),
    smtpResponse: text('smtp_response'),
    error: text('error'),
    createdAt: ms('created_at').notNull(),
    submittedAt: ms('submitted_at'),
  },
  (t) => [
    uniqueIndex('deliveries_edition_subscriber_uq').on(t.editionId, t.subscriberId),
    uniqueIndex('deliveries_subscriber_period_uq').on(t.subscriberId, t.cadence, t.periodKey),
    /*
     * Split by whether a delivery is still open, so that sending touches few index pages: a
     * claim keeps its entry where it is (same edition and reader), an outcome moves it to the
     * end of its edition's settled entries. One index on (status, edition) instead put each
     * delivery in three places of it over its life, and each place is a page written per commit.
     * Queries reach them through the conditions in delivery-states.ts.
     */
    index('deliveries_open_idx').on(t.editionId, t.subscriberId, t.status).where(isOpen(sql`status`)),
    index('deliveries_settled_idx').on(t.editionId, t.status).where(isSettled(sql`status`)),
  ],
);

export type ArticleRow = typeof articles.$inferSelect;
export type SectionRow = typeof sections.$inferSelect;
export type AuthorRow = typeof authors.$inferSelect;
export type TagRow = typeof tags.$inferSelect;
export type SubscriberRow = typeof subscribers.$inferSelect;
export type SuppressionRow = typeof suppressions.$inferSelect;
export type EditionRow = typeof editions.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * One row per feed (`all`, `section:<id>`, `author:<id>`, `tag:<id>`): bumped in the same batch
 * as every article change that touches the feed. Its version keys the render cache, so
 * invalidation is exact; `changedAt` is the feed's `updated` and Last-Modified (a deletion
 * counts as a change too, which the articles alone could not tell).
 */
export const feedState = sqliteTable('feed_state', {
  feedKey: text('feed_key').primaryKey(),
  version: integer('version').notNull().default(0),
  changedAt: ms('changed_at').notNull(),
  /** How many RFC 5005 archive pages the feed has (rows in `feed_archive_pages`). */
  archivePages: integer('archive_pages').notNull().default(0),
});

/**
 * RFC 5005 archive pages, fixed once full. Page `page` (1 = oldest) holds the feed's articles
 * after the previous page's last one, up to and including its own last one, ordered by
 * (publication time, id). The bounds never move, so deleting or backdating an article changes
 * only the page it is on. `version` keys the page's render cache: it is bumped in the same
 * batch as any change to an article on the page, and when the next page is added (the page
 * gains a next-archive link); `changedAt` is then the page's Last-Modified.
 */
export const feedArchivePages = sqliteTable(
  'feed_archive_pages',
  {
    feedKey: text('feed_key').notNull(),
    page: integer('page').notNull(),
    lastPublishedAt: ms('last_published_at').notNull(),
    lastId: text('last_id').notNull(),
    version: integer('version').notNull().default(1),
    changedAt: ms('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.feedKey, t.page] })],
);

/** Fetches per feed, format and UTC day. */
export const feedFetches = sqliteTable(
  'feed_fetches',
  {
    day: text('day').notNull(),
    feedKey: text('feed_key').notNull(),
    format: text('format').notNull(),
    fetches: integer('fetches').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.feedKey, t.format] })],
);

/**
 * Subscriber counts that aggregators report in their User-Agent ("Feedly/1.0 (+http://…;
 * 42 subscribers)"), the latest per feed, aggregator and UTC day.
 */
export const feedSubscriberReports = sqliteTable(
  'feed_subscriber_reports',
  {
    day: text('day').notNull(),
    feedKey: text('feed_key').notNull(),
    aggregator: text('aggregator').notNull(),
    /** An aggregator counts its subscribers to each format's URL apart: they add up. */
    format: text('format').notNull(),
    subscribers: integer('subscribers').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.feedKey, t.aggregator, t.format] })],
);

export type FeedStateRow = typeof feedState.$inferSelect;

/**
 * WebSub pings not yet accepted by the hub: one row per feed URL and the time its feed changes
 * (now, or a scheduled article's publication time). The key collapses duplicates for the same
 * URL and time, and keeps a ping due later beside one due now. `nextAttemptAt` is when the row
 * may be taken next: its due time at first, then pushed back by each attempt (which holds it
 * against a concurrent sender, and is its backoff when the attempt fails).
 */
export const websubPings = sqliteTable(
  'websub_pings',
  {
    url: text('url').notNull(),
    dueAt: ms('due_at').notNull(),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.url, t.dueAt] }), index('websub_pings_next_attempt_idx').on(t.nextAttemptAt)],
);

export type WebSubPingRow = typeof websubPings.$inferSelect;

/**
 * Sites that republish our articles (src/partners/), each under its own terms: full text or
 * summary only, which sections (none listed: all), an embargo after publication, images or
 * not, an attribution line, the browser origins that may call the partner API, and a request
 * budget per key and minute. Lists are JSON arrays.
 */
export const partners = sqliteTable('partners', {
  id: text('id').primaryKey(),
  /** Stable and public: it is the `utm_source` of every link the partner shows. */
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  content: text('content', { enum: ['full', 'summary'] }).notNull().default('full'),
  /** JSON array of section ids; empty: every section. */
  sectionIds: text('section_ids').notNull().default('[]'),
  embargoMinutes: integer('embargo_minutes').notNull().default(0),
  includeImages: integer('include_images', { mode: 'boolean' }).notNull().default(true),
  /** The attribution's lead text before the site's name and link; null: the default wording. */
  attributionText: text('attribution_text'),
  /** JSON array of exact origins (`https://www.example.ma`) allowed to call from a browser. */
  origins: text('origins').notNull().default('[]'),
  rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(60),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/**
 * A partner's API keys. Only a SHA-256 of the key is kept (looked up by it); `hint` is the
 * key's first characters, to tell keys apart. A key works until `revokedAt`, and, once a
 * rotation set it, until `expiresAt`. `lastUsedAt` is written at most once a minute.
 */
export const partnerKeys = sqliteTable(
  'partner_keys',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id').notNull().references(() => partners.id),
    hash: text('hash').notNull().unique(),
    hint: text('hint').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at'),
    revokedAt: ms('revoked_at'),
    lastUsedAt: ms('last_used_at'),
  },
  (t) => [index('partner_keys_partner_idx').on(t.partnerId)],
);

/** Requests, items and bytes served to each partner per UTC day. */
export const partnerUsage = sqliteTable(
  'partner_usage',
  {
    partnerId: text('partner_id').notNull(),
    day: text('day').notNull(),
    requests: integer('requests').notNull().default(0),
    items: integer('items').notNull().default(0),
    bytes: integer('bytes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.day] })],
);

/**
 * Articles that left a section's public view: deleted, unpublished, moved to another section,
 * or rescheduled to later. One row per article and section left, with the latest time, so a
 * partner that pulls changes (src/partners/changes.ts) learns to remove its copy.
 */
export const articleTombstones = sqliteTable(
  'article_tombstones',
  {
    articleId: text('article_id').notNull(),
    sectionId: text('section_id').notNull(),
    deletedAt: ms('deleted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.sectionId] }), index('article_tombstones_deleted_idx').on(t.deletedAt)],
);

export type PartnerRow = typeof partners.$inferSelect;
export type PartnerKeyRow = typeof partnerKeys.$inferSelect;
export type PartnerUsageRow = typeof partnerUsage.$inferSelect;
