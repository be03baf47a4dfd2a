/** Builders for tests inside workerd: requests to the worker under test and article fixtures. */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../../src/worker.js';

export const BASE = 'https://nashra.test';

/**
 * Calls the worker's fetch handler as a client would, and waits for the work it left for
 * after the response (`waitUntil`), so none of it runs into the next test's fresh storage.
 */
export async function call(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), env, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  const empty = res.status === 204 || res.status === 304 || init?.method === 'HEAD';
  return new Response(empty ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
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
