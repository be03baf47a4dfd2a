/** Builders for domain fixtures: articles and subscribers straight through the domain code. */
import { articleInputSchema } from '../../src/articles/input.js';
import { createArticle } from '../../src/articles/service.js';
import type { Deps } from '../../src/deps.js';
import { insertSubscriber } from '../../src/storage/subscribers.js';
import type { SubscriberRow } from '../../src/storage/schema.js';
import { articleBody } from './deps.js';

export async function addArticle(deps: Deps, overrides: Record<string, unknown> = {}) {
  return createArticle(deps, articleInputSchema.parse(articleBody(overrides)));
}

export async function addSubscriber(deps: Deps, overrides: Partial<SubscriberRow> = {}): Promise<SubscriberRow> {
  const now = deps.clock.now();
  const row: SubscriberRow = {
    id: deps.ids.next(),
    email: `reader-${Math.random().toString(36).slice(2, 10)}@example.com`,
    name: null,
    status: 'confirmed',
    frequency: 'daily',
    timezone: 'Africa/Casablanca',
    preferredHour: 7,
    preferredWeekday: 6,
    segmentKey: 'all',
    createdAt: now,
    updatedAt: new Date(now.getTime() - 30 * 86_400_000),
    // An established reader: confirmed (and choices last changed) before any digest moment a
    // test is likely to tick at.
    confirmedAt: new Date(now.getTime() - 30 * 86_400_000),
    unsubscribedAt: null,
    confirmationSentAt: now,
    consentAt: now,
    consentIp: '127.0.0.1',
    consentUserAgent: 'test',
    consentSource: 'page',
    consentPolicyVersion: '2026-11',
    locale: 'ar',
    softBounces: 0,
    suppressedAt: null,
    erasedAt: null,
    ...overrides,
  };
  await insertSubscriber(deps.db, row);
  return row;
}
