/**
 * Admins' operations on partners: create one with its first key, change its terms, rotate and
 * revoke keys. Knows nothing of HTTP: throws `AppError`s, returns records. A key is returned
 * once, by the operation that makes it; afterwards only its hint is ever shown.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { isUniqueViolation } from '../storage/db.js';
import {
  getPartnerRow,
  getPartnerRowBySlug,
  insertPartnerWithKey,
  listPartnerKeys,
  listPartnerRows,
  revokeKeyRow,
  rotateKeys,
  updatePartnerRow,
} from '../storage/partners.js';
import type { PartnerKeyRow, PartnerRow } from '../storage/schema.js';
import { findTermBySlug, termsByIds } from '../storage/taxonomy.js';
import { generateKey, hashKey, keyHint } from './keys.js';
import { PARTNER_SLUG_PATTERN, type PartnerCreateInput, type PartnerUpdateInput } from './schemas.js';
import { partnerOf, type Partner } from './terms.js';

type PartnerDeps = Pick<Deps, 'db' | 'clock' | 'ids'>;

/** How long the keys in use keep working after a rotation, unless the admin says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** The longest overlap a rotation may give the old keys. */
export const MAX_ROTATION_OVERLAP_MS = 90 * 86_400_000;

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';
export type KeyView = { id: string; hint: string; status: KeyStatus; createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null };
export type PartnerView = Omit<Partner, 'sectionIds' | 'createdAt' | 'updatedAt'> & { sections: string[]; createdAt: string; updatedAt: string; keys: KeyView[] };
/** A key just made: `value` is the key itself, shown this once. */
export type NewKey = KeyView & { value: string };

export function keyStatus(key: PartnerKeyRow, now: Date): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (!key.expiresAt) return 'active';
  return key.expiresAt.getTime() > now.getTime() ? 'expiring' : 'expired';
}

function keyView(key: PartnerKeyRow, now: Date): KeyView {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return { id: key.id, hint: key.hint, status: keyStatus(key, now), createdAt: key.createdAt.toISOString(), expiresAt: iso(key.expiresAt), revokedAt: iso(key.revokedAt), lastUsedAt: iso(key.lastUsedAt) };
}

async function newKey(deps: PartnerDeps, partnerId: string): Promise<{ row: PartnerKeyRow; value: string }> {
  const value = generateKey();
  const row: PartnerKeyRow = { id: deps.ids.next(), partnerId, hash: await hashKey(value), hint: keyHint(value), createdAt: deps.clock.now(), expiresAt: null, revokedAt: null, lastUsedAt: null };
  return { row, value };
}

/** Section ids for slugs, in order. Throws `invalid_request` naming the slugs no section has. */
async function sectionIdsOf(deps: PartnerDeps, slugs: string[]): Promise<string[]> {
  const found = await Promise.all([...new Set(slugs)].map(async (slug) => ({ slug, term: await findTermBySlug(deps.db, 'section', slug) })));
  const missing = found.filter((f) => !f.term).map((f) => f.slug);
  if (missing.length) throw new AppError('invalid_request', `No section with slug ${missing.map((s) => `"${s}"`).join(', ')}`);
  return found.map((f) => f.term?.id as string);
}

/** A Latin slug from the partner's name, or nothing when the name has no Latin letter or digit. */
function slugFromName(name: string): string | undefined {
  const slug = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return PARTNER_SLUG_PATTERN.test(slug) ? slug : undefined;
}

async function view(deps: PartnerDeps, rows: PartnerRow[], keys: PartnerKeyRow[]): Promise<PartnerView[]> {
  const partners = rows.map(partnerOf);
  const sections = new Map((await termsByIds(deps.db, 'section', partners.flatMap((p) => p.sectionIds))).map((t) => [t.id, t.slug]));
  const now = deps.clock.now();
  return partners.map(({ sectionIds, createdAt, updatedAt, ...p }) => ({
    ...p,
    sections: sectionIds.map((id) => sections.get(id) ?? id),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    keys: keys.filter((k) => k.partnerId === p.id).map((k) => keyView(k, now)),
  }));
}

/** The partner with this id or slug. Throws `not_found`. */
export async function findPartner(deps: Pick<Deps, 'db'>, idOrSlug: string): Promise<PartnerRow> {
  const row = (await getPartnerRow(deps.db, idOrSlug)) ?? (await getPartnerRowBySlug(deps.db, idOrSlug));
  if (!row) throw new AppError('not_found', `No partner "${idOrSlug}"`);
  return row;
}

/**
 * Creates a partner and its first key. Throws `invalid_request` (unknown section, or a name
 * with no Latin slug and none given) and `conflict` (slug taken).
 */
export async function createPartner(deps: PartnerDeps, input: PartnerCreateInput): Promise<{ partner: PartnerView; key: NewKey }> {
  const slug = input.slug ?? slugFromName(input.name);
  if (!slug) throw new AppError('invalid_request', 'Give the partner a slug (Latin letters, digits and hyphens): it becomes utm_source');
  const now = deps.clock.now();
  const row: PartnerRow = {
    id: deps.ids.next(),
    slug,
    name: input.name,
    content: input.content,
    sectionIds: JSON.stringify(await sectionIdsOf(deps, input.sections)),
    embargoMinutes: input.embargoMinutes,
    includeImages: input.includeImages,
    attributionText: input.attributionText,
    origins: JSON.stringify([...new Set(input.origins)]),
    rateLimitPerMinute: input.rateLimitPerMinute,
    createdAt: now,
    updatedAt: now,
  };
  const key = await newKey(deps, row.id);
  try {
    await insertPartnerWithKey(deps.db, row, key.row);
  } catch (err) {
    if (isUniqueViolation(err, 'partners.slug')) throw new AppError('conflict', `A partner with slug "${slug}" already exists`);
    throw err;
  }
  const [partner] = await view(deps, [row], [key.row]);
  return { partner: partner as PartnerView, key: { ...keyView(key.row, now), value: key.value } };
}

/** Changes the terms sent; the rest stay. Throws `not_found` and `invalid_request`. */
export async function updatePartner(deps: PartnerDeps, idOrSlug: string, input: PartnerUpdateInput): Promise<PartnerView> {
  const existing = await findPartner(deps, idOrSlug);
  const { sections, origins, ...rest } = input;
  const changes: Partial<PartnerRow> = { ...rest, updatedAt: deps.clock.now() };
  if (sections) changes.sectionIds = JSON.stringify(await sectionIdsOf(deps, sections));
  if (origins) changes.origins = JSON.stringify([...new Set(origins)]);
  const row = await updatePartnerRow(deps.db, existing.id, changes);
  if (!row) throw new AppError('not_found', `No partner "${idOrSlug}"`);
  return (await view(deps, [row], await listPartnerKeys(deps.db, row.id)))[0] as PartnerView;
}

/** Throws `not_found`. */
export async function getPartnerView(deps: PartnerDeps, idOrSlug: string): Promise<PartnerView> {
  const row = await findPartner(deps, idOrSlug);
  return (await view(deps, [row], await listPartnerKeys(deps.db, row.id)))[0] as PartnerView;
}

export async function listPartners(deps: PartnerDeps): Promise<PartnerView[]> {
  const [rows, keys] = await Promise.all([listPartnerRows(deps.db), listPartnerKeys(deps.db)]);
  return view(deps, rows, keys);
}

/**
 * Issues a new key; the keys in use keep working until `oldKeysValidUntil` (default: a day
 * from now; a time already past ends them now). Throws `not_found`, or `invalid_request` for
 * an overlap longer than 90 days.
 */
export async function rotatePartnerKey(deps: PartnerDeps, idOrSlug: string, oldKeysValidUntil?: Date): Promise<NewKey> {
  const partner = await findPartner(deps, idOrSlug);
  const now = deps.clock.now();
  const until = oldKeysValidUntil ?? new Date(now.getTime() + DEFAULT_ROTATION_OVERLAP_MS);
  if (until.getTime() - now.getTime() > MAX_ROTATION_OVERLAP_MS) throw new AppError('invalid_request', 'oldKeysValidUntil may be at most 90 days away');
  const key = await newKey(deps, partner.id);
  await rotateKeys(deps.db, key.row, now, new Date(Math.max(until.getTime(), now.getTime())));
  return { ...keyView(key.row, now), value: key.value };
}

/** Ends a key now. Throws `not_found` for an unknown partner or a key that is not the partner's. */
export async function revokePartnerKey(deps: PartnerDeps, idOrSlug: string, keyId: string): Promise<void> {
  const partner = await findPartner(deps, idOrSlug);
  if (!(await revokeKeyRow(deps.db, partner.id, keyId, deps.clock.now()))) throw new AppError('not_found', `Partner "${idOrSlug}" has no key "${keyId}"`);
}
