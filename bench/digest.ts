/**
 * Digest rendering: the one-off edition render (`renderDigestContent`) and then each
 * recipient (`renderDigestFor`), next to a plain concatenation that builds strings of the same
 * size: the floor any per-recipient renderer pays. V8 hands back both as ropes (unflattened
 * concatenations), so each pair is also timed with `Buffer.byteLength`, which flattens and scans
 * the strings as the mailer's encoder will: the copy cost then shows on both sides.
 */
import type { Deps } from '../src/deps.js';
import { digestContent } from '../src/digests/content.js';
import { renderDigestContent, renderDigestFor, type DigestRecipient, type RenderedDigest } from '../src/email/digest.js';
import { latestPublished } from '../src/storage/articles.js';
import type { EditionRow } from '../src/storage/schema.js';
import { signToken } from '../src/subscribers/tokens.js';
import { authorName, createRandom } from './corpus.js';
import { summarize, type Summary } from './stats.js';

const EDITION_REPEATS = 30;
const RECIPIENT_WARMUP = 500;

export type DigestResult = {
  articles: number;
  recipients: number;
  htmlBytes: number;
  /** UTF-16 code units: past 65,536 V8 keeps a flattened two-byte string in large-object space. */
  htmlChars: number;
  textBytes: number;
  /** `digestContent` (excerpts, dates, UTM links), median of repeats. */
  content: Summary;
  /** The very first `renderDigestContent` call, then repeats. */
  editionFirst: number;
  edition: Summary;
  perRecipient: { render: Summary; concat: Summary; renderFlat: Summary; concatFlat: Summary };
};

async function recipients(deps: Deps, m: number): Promise<DigestRecipient[]> {
  const r = createRandom(7);
  const { PUBLIC_URL, SECRET_KEY } = deps.config;
  const now = deps.clock.now();
  const out: DigestRecipient[] = [];
  for (let i = 0; i < m; i++) {
    const id = deps.ids.next();
    out.push({
      email: `reader.${i + 1}@example${i % 7}.ma`,
      name: r.next() < 0.7 ? authorName(i) : null,
      frequency: r.next() < 0.8 ? 'daily' : 'weekly',
      preferencesUrl: `${PUBLIC_URL}/preferences?token=${await signToken(SECRET_KEY, 'preferences', id, now)}`,
      unsubscribeUrl: `${PUBLIC_URL}/unsubscribe?token=${await signToken(SECRET_KEY, 'unsubscribe', id, now)}`,
    });
  }
  return out;
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

/** The baseline: strings of the rendered size built by one plain concatenation each. */
function concatBaseline(sample: { html: string; text: string }) {
  const split = (s: string) => [s.slice(0, s.length >> 1), s.slice(s.length >> 1)] as const;
  const [h1, h2] = split(sample.html);
  const [t1, t2] = split(sample.text);
  return (r: DigestRecipient) => ({ html: h1 + r.email + h2, text: t1 + r.email + t2 });
}

const utf8Length = (m: { html: string; text: string }) => Buffer.byteLength(m.html, 'utf8') + Buffer.byteLength(m.text, 'utf8');

/** Renders one edition of `DIGEST_MAX_ITEMS` articles for `m` recipients, timing each call. */
export async function measureDigest(deps: Deps, m: number): Promise<DigestResult> {
  const now = deps.clock.now();
  const list = await latestPublished(deps.db, deps.config.DIGEST_MAX_ITEMS);
  const edition: EditionRow = {
    id: deps.ids.next(), cadence: 'daily', periodKey: now.toISOString().slice(0, 10), segmentKey: 'all', status: 'sending', sendAfter: now,
    windowStart: new Date(now.getTime() - 86_400_000), windowEnd: now,
    articleIds: JSON.stringify(list.map((a) => a.id)), createdAt: now, completedAt: null, firstSubmittedAt: null, lastSubmittedAt: null,
  };
  const extras = { archiveUrl: `${deps.config.PUBLIC_URL}/newsletter/archive/${edition.id}`, followingLabel: '' };
  const contentTimes: number[] = [];
  for (let i = 0; i < EDITION_REPEATS; i++) contentTimes.push(timed(() => digestContent(deps.config, edition, list, extras))[1]);
  const content = digestContent(deps.config, edition, list, extras);
  const [digest, editionFirst] = timed(() => renderDigestContent(content));
  const editionTimes: number[] = [];
  for (let i = 0; i < EDITION_REPEATS; i++) editionTimes.push(timed(() => renderDigestContent(content))[1]);

  const people = await recipients(deps, m);
  const sample = renderDigestFor(digest, people[0] as DigestRecipient);
  const concat = concatBaseline(sample);
  const fns: [keyof DigestResult['perRecipient'], (r: DigestRecipient) => unknown][] = [
    ['render', (r) => renderDigestFor(digest as RenderedDigest, r)],
    ['concat', concat],
    ['renderFlat', (r) => utf8Length(renderDigestFor(digest, r))],
    ['concatFlat', (r) => utf8Length(concat(r))],
  ];
  const samples = Object.fromEntries(fns.map(([k]) => [k, [] as number[]])) as Record<keyof DigestResult['perRecipient'], number[]>;
  let sink = 0;
  for (let i = -RECIPIENT_WARMUP; i < people.length; i++) {
    const r = people[Math.max(0, i) % people.length] as DigestRecipient;
    for (let k = 0; k < fns.length; k++) {
      const [key, fn] = fns[(((i + k) % fns.length) + fns.length) % fns.length]!;
      const [v, dt] = timed(() => fn(r));
      sink += typeof v === 'number' ? v : (v as { html: string }).html.length;
      if (i >= 0) samples[key].push(dt);
    }
  }
  if (sink === 0) throw new Error('digest produced no output');
  return {
    articles: list.length,
    recipients: m,
    htmlBytes: Buffer.byteLength(sample.html, 'utf8'),
    htmlChars: sample.html.length,
    textBytes: Buffer.byteLength(sample.text, 'utf8'),
    content: summarize(contentTimes),
    editionFirst,
    edition: summarize(editionTimes),
    perRecipient: {
      render: summarize(samples.render),
      concat: summarize(samples.concat),
      renderFlat: summarize(samples.renderFlat),
      concatFlat: summarize(samples.concatFlat),
    },
  };
}
