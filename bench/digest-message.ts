/**
 * What the digest-send bench's children share: the Node entry's environment for the run and the
 * edition a tick at `now` would plan (same pieces, rendered once). Messages are composed by
 * `src/digests/send.ts` itself (`composeDigestMessage` and its stages).
 */
import { parseConfig, type Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { editionContent } from '../src/digests/render.js';
import { renderDigestContent, type RenderedDigest } from '../src/email/digest.js';
import { editionPieceIds } from '../src/storage/digest-plan.js';
import type { EditionRow } from '../src/storage/schema.js';

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
    windowStart, windowEnd: now, articleIds: JSON.stringify(pieces), sendAfter: now, createdAt: now, completedAt: null, firstSubmittedAt: null, lastSubmittedAt: null,
  };
  const content = await editionContent(deps, edition);
  if (!content) throw new Error('the bench edition has no pieces: seed articles listed in the last 24 h');
  return { edition, digest: renderDigestContent(content) };
}
