import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../../src/worker.js');
    }
    interface Env {
      DB: D1Database;
      DELIVERIES: Queue<{ deliveryIds: string[] }>;
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_TOKEN: string;
      SECRET_KEY: string;
    }
  }
}
