/** Builders for tests on Node: a real in-memory SQLite, a memory mailer, a fixed clock. */
import { openSqlite } from '../../src/adapters/sqlite.js';
import { createApp } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createFixedClock, type Deps } from '../../src/deps.js';
import { sendDeliveries } from '../../src/digests/send.js';
import { createMemoryMailer, type Mailer } from '../../src/email/mailer.js';
import { createMemoryFeedCache } from '../../src/feeds/cache.js';
import { createUlids } from '../../src/ids.js';
import { silentLog } from '../../src/log.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SECRET_KEY: 'test-secret-key-0123456789-0123456789-abcdef',
    PUBLIC_URL: 'https://nashra.test',
    SITE_URL: 'https://site.test',
    DATABASE_PATH: ':memory:',
    ...overrides,
  });
}

export type TestDeps = Deps & {
  /** Work handed to `defer`; `await Promise.all(deps.deferred)` waits for it. */
  deferred: Promise<unknown>[];
  mailer: Mailer & { sent: ReturnType<typeof createMemoryMailer>['sent'] };
  clock: ReturnType<typeof createFixedClock>;
  /** Waits for deferred work (it may still write), then closes the database. */
  close(): Promise<void>;
};

/** Tests reach no network: only loopback servers the test itself started. */
const loopbackFetch: Deps['fetch'] = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return Promise.reject(new TypeError(`tests make no network requests (${url.origin})`));
  }
  return fetch(input, init);
};

/** Fresh deps over a new in-memory database; deliveries are sent in-process. */
export function createTestDeps(opts: { now?: string; config?: Record<string, string>; mailer?: Mailer } = {}): TestDeps {
  const { db, close } = openSqlite(':memory:');
  const clock = createFixedClock(opts.now ?? '2026-11-29T08:00:00Z');
  const mailer = (opts.mailer ?? createMemoryMailer()) as TestDeps['mailer'];
  const deps: TestDeps = {
    db,
    mailer,
    clock,
    ids: createUlids(clock),
    config: testConfig(opts.config),
    log: silentLog,
    feedCache: createMemoryFeedCache(),
    fetch: loopbackFetch,
    dispatcher: { dispatch: async (ids) => void (await sendDeliveries(deps, ids)) },
    deferred: [],
    defer: (task) => void deps.deferred.push(Promise.resolve().then(task)),
    async close() {
      await Promise.allSettled(deps.deferred);
      close();
    },
  };
  return deps;
}

export function createTestApp(deps: Deps) {
  return createApp(() => deps);
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** A valid article body for the admin API; override any field. */
export function articleBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'الإصلاح التدريجي وحدود الاستقرار',
    summary: 'قراءة في تجربة الإصلاح المحلي.',
    contentHtml: '<p>نص المقال الكامل.</p>',
    section: { name: 'رأي', slug: 'opinion' },
    author: { name: 'سعيد الإدريسي', slug: 'said-idrissi' },
    tags: ['إصلاح'],
    image: { url: 'https://site.test/images/a.jpg', type: 'image/jpeg', length: 12345, alt: 'صورة' },
    publishedAt: '2026-11-29T06:00:00Z',
    status: 'published',
    ...overrides,
  };
}
