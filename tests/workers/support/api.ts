/** Builders for tests inside workerd: requests to the worker under test and article fixtures. */
import { env, exports } from 'cloudflare:workers';

export const BASE = 'https://nashra.test';

/** Calls the worker's own fetch handler (the `main` module), as a client would. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, init);
}

/** A request to the admin API with the test token and a JSON body (when one is given). */
export function admin(path: string, method = 'GET', body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return call(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export type ArticleJson = {
  id: string;
  slug: string;
  title: string;
  summary: string;
  contentHtml: string;
  status: 'draft' | 'published';
  section: { slug: string; name: string; commentary: boolean };
  author: { slug: string; name: string };
  tags: { slug: string; name: string }[];
  canonicalUrl: string;
  publishedAt: string | null;
};

export type ErrorJson = { error: { code: string; message: string } };

let counter = 0;

/** A valid article body; every call gets a distinct title. */
export function articleInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    title: `مقال رقم ${counter}`,
    summary: `ملخص المقال ${counter}`,
    contentHtml: `<p>النص الكامل للمقال ${counter}</p>`,
    section: { name: 'رأي', slug: 'opinion' },
    author: { name: 'ليلى بنعلي', slug: 'layla-benali' },
    status: 'published',
    ...overrides,
  };
}

/** Creates an article through the API and returns it; fails loudly on anything but 201. */
export async function createArticle(overrides: Record<string, unknown> = {}): Promise<ArticleJson> {
  const res = await admin('/api/admin/articles', 'POST', articleInput(overrides));
  if (res.status !== 201) throw new Error(`create article: ${res.status} ${await res.text()}`);
  return res.json<ArticleJson>();
}
