/**
 * What the digest-send bench's children share: the Node entry's environment for the run, the
 * edition a tick at `now` would plan (same pieces, rendered once), and one reader's message
 * composed as `src/digests/send.ts` composes it, for the ceiling's pre-built message and the
 * per-recipient render timing.
 */
import { parseConfig, type Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { editionContent } from '../src/digests/render.js';
import { messageIdFor, senderFields } from '../src/email/compose.js';
import { renderDigestContent, renderDigestFor, type RenderedDigest } from '../src/email/digest.js';
import type { MailMessage } from '../src/email/mailer.js';
import { editionPieceIds } from '../src/storage/digest-plan.js';
import type { EditionRow, SubscriberRow } from '../src/storage/schema.js';
import { signToken } from '../src/subscribers/tokens.js';

export const SECRET_KEY = 'bench-secret-key-0123456789-0123456789-abcdef';
const DAY_MS = 86_400_000;

/**
 * The environment `createNodeRuntime` gets in the bench: a file database, SMTP to the sink,
 * no scheduler, no demo seed, fixed secrets (so the children sign alike) and a quiet log.
 */
export function senderEnv(dbPath: string, smtpUrl: string, poolSize: number): Record<string, string> {
  return {
    DATABASE_PATH: dbPath,
    SMTP_URL: smtpUrl,
    SMTP_POOL_SIZE: String(poolSize),
    SCHEDULER: 'false',
    SEED: 'false',
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SECRET_KEY,
    PUBLIC_URL: 'https://nashra.example',
    SITE_URL: 'https://www.example.ma',
    MAIL_FROM: 'نشرة <newsletter@nashra.example>',
    LOG_LEVEL: 'warn',
  };
}

export const benchConfig = (dbPath: string): Config => parseConfig(senderEnv(dbPath, 'smtp://127.0.0.1:25', 4));

/**
 * The daily `all` edition a tick at `now` plans for a new segment (pieces listed in the last
 * 24 h, as `ensureEdition` picks them), rendered once; not stored.
 */
export async function renderBenchEdition(deps: Pick<Deps, 'db' | 'config' | 'ids'>, now: Date): Promise<{ edition: EditionRow; digest: RenderedDigest }> {
  const windowStart = new Date(now.getTime() - DAY_MS);
  const pieces = await editionPieceIds(deps.db, { after: windowStart, until: now, topics: { sections: [], authors: [] }, limit: deps.config.DIGEST_MAX_ITEMS });
  const edition: EditionRow = {
    id: deps.ids.next(), cadence: 'daily', periodKey: now.toISOString().slice(0, 10), segmentKey: 'all', status: 'sending',
    windowStart, windowEnd: now, articleIds: JSON.stringify(pieces), sendAfter: now, createdAt: now, completedAt: null,
  };
  const content = await editionContent(deps, edition);
  if (!content) throw new Error('the bench edition has no pieces: seed articles listed in the last 24 h');
  return { edition, digest: renderDigestContent(content) };
}

/** RFC 2369 / 8058 header, as `send.ts` writes it. */
function listUnsubscribe(mailto: string | undefined, unsubscribeUrl: string): string {
  if (!mailto) return `<${unsubscribeUrl}>`;
  const token = new URL(unsubscribeUrl).searchParams.get('token') ?? '';
  return `<${unsubscribeUrl}>, <mailto:${mailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`;
}

/** The per-recipient stages of `composeDigestMessage`, each a function so they can be timed apart. */
export const stages = {
  async tokens(config: Config, s: SubscriberRow, now: Date) {
    const unsubscribeUrl = `${config.PUBLIC_URL}/unsubscribe?token=${await signToken(config.SECRET_KEY, 'unsubscribe', s.id, now)}`;
    const preferencesUrl = `${config.PUBLIC_URL}/preferences?token=${await signToken(config.SECRET_KEY, 'preferences', s.id, now)}`;
    return { unsubscribeUrl, preferencesUrl };
  },
  body(digest: RenderedDigest, s: SubscriberRow, urls: { unsubscribeUrl: string; preferencesUrl: string }) {
    return renderDigestFor(digest, { email: s.email, name: s.name, frequency: s.frequency, ...urls });
  },
  message(config: Config, deliveryId: string, editionId: string, s: SubscriberRow, digest: RenderedDigest, body: { html: string; text: string }, unsubscribeUrl: string): MailMessage {
    const host = new URL(config.PUBLIC_URL).hostname;
    return {
      ...senderFields(config),
      to: s.email,
      subject: digest.subject,
      ...body,
      messageId: messageIdFor(config, deliveryId),
      idempotencyKey: deliveryId,
      headers: {
        'List-Unsubscribe': listUnsubscribe(config.UNSUBSCRIBE_MAILTO, unsubscribeUrl),
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `${config.SITE_NAME.replace(/[\r\n<>"]/g, '')} <digest.${host}>`,
        'Auto-Submitted': 'auto-generated',
        'Feedback-ID': `${editionId}:digest:nashra`,
      },
    };
  },
};

/**
 * One reader's message, as `composeDigestMessage` (src/digests/send.ts, not exported) builds
 * it: two signed links, the recipient's slots, the list headers. Keep the two in step.
 */
export async function composeLikeSend(config: Config, edition: EditionRow, s: SubscriberRow, digest: RenderedDigest, now: Date): Promise<MailMessage> {
  const urls = await stages.tokens(config, s, now);
  return stages.message(config, `${edition.id}-${s.id}`, edition.id, s, digest, stages.body(digest, s, urls), urls.unsubscribeUrl);
}
