/** The seeded articles' lead images (`/sample-images/<name>.png`), drawn on request. */
import type { App } from '../app.js';
import { SAMPLE_IMAGES, samplePng } from '../seed/sample-image.js';

export function registerSampleImageRoutes(app: App): void {
  app.get('/sample-images/:file', async (c) => {
    const name = c.req.param('file').replace(/\.png$/, '');
    const colours = Object.hasOwn(SAMPLE_IMAGES, name) ? SAMPLE_IMAGES[name] : undefined;
    if (!colours || !c.req.param('file').endsWith('.png')) return c.notFound();
    c.header('Content-Type', 'image/png');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(await samplePng(...colours));
  });
}
