import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Three tiers, one `npm test`: unit (Node, fakes, fixed clock), workers (inside workerd with
// D1), e2e (the Node server as a process, a real SMTP server on loopback, real parsers).
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            main: './src/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('./db'),
                ADMIN_TOKEN: 'test-admin-token-0123456789',
                SECRET_KEY: 'test-secret-key-0123456789-0123456789-abcdef',
                PUBLIC_URL: 'https://nashra.test',
                SITE_URL: 'https://site.test',
                SEED: 'false',
                MAIL_LOG_ONLY: 'true',
              },
            },
          })),
        ],
        test: { name: 'workers', include: ['tests/workers/**/*.test.ts'], setupFiles: ['./tests/workers/setup.ts'] },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/e2e/support/build.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
