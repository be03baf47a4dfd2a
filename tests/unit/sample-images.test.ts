import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../src/seed/articles.js';
import { listArticles } from '../../src/articles/service.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  await seedIfEmpty(deps);
});
afterAll(() => deps.close());

describe('sample images of the seeded articles', () => {
  it('are served as PNG with exactly the byte length the articles declare', async () => {
    const { items } = await listArticles(deps, { limit: 20 });
    expect(items).toHaveLength(6);
    for (const a of items) {
      expect(a.imageUrl).toMatch(/^https:\/\/nashra\.test\/sample-images\/[\w-]+\.png$/);
      const res = await app.request(a.imageUrl!.replace('https://nashra.test', ''));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(bytes.length).toBe(a.imageLength);
      expect(new DataView(bytes.buffer).getUint32(16)).toBe(1200); // IHDR width
    }
  });

  it('answers an unknown image with 404', async () => {
    expect((await app.request('/sample-images/nope.png')).status).toBe(404);
    expect((await app.request('/sample-images/forum.jpg')).status).toBe(404);
  });
});
