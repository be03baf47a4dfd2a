/**
 * Feed requests through the worker's own fetch handler, with bindings a test may override
 * (the worker reads its config from them), and readers for the three formats.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { WorkerEnv } from '../../../src/adapters/worker-deps.js';
import worker from '../../../src/worker.js';
import { admin, BASE, type ArticleJson } from './api.js';
import { findAll, parseXml, type XmlElement } from './xml.js';

export type Format = 'rss' | 'atom' | 'json';
export const FORMATS: Format[] = ['rss', 'atom', 'json'];
export const HISTORY_NS = 'http://purl.org/syndication/history/1.0';

/** The test bindings with some variables replaced; a new object, so the worker parses its config afresh. */
export function envWith(vars: Record<string, string>): WorkerEnv {
  return { ...env, ...vars };
}

export type Fetched = { res: Response; body: string };

/**
 * One request to the worker's fetch handler with `testEnv`. Waits for the response's background
 * work (fetch counting) too, so none of it outlives the test into the next one's database.
 */
export async function fetchWorker(path: string, init: RequestInit = {}, testEnv: WorkerEnv = { ...env }): Promise<Fetched> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), testEnv, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body };
}

/** GET, failing loudly on anything but 200. */
export async function getOk(path: string, headers: Record<string, string> = {}, testEnv?: WorkerEnv): Promise<Fetched> {
  const got = await fetchWorker(path, { headers }, testEnv);
  if (got.res.status !== 200) throw new Error(`GET ${path}: ${got.res.status} ${got.body.slice(0, 200)}`);
  return got;
}

const unescapeHtml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);

/** Item titles as a reader shows them, in document order; XML is parsed strictly. */
export function itemTitles(format: Format, body: string): string[] {
  if (format === 'json') return (JSON.parse(body) as { items: { title: string }[] }).items.map((i) => i.title);
  const doc = parseXml(body);
  if (format === 'rss') return findAll(doc, 'item').map((i) => child(i, 'title')?.text ?? '');
  // Atom titles are type="html": plain text arrives escaped as HTML.
  return findAll(doc, 'entry').map((e) => unescapeHtml(child(e, 'title')?.text ?? ''));
}

/** The document's own links by rel (RSS: the channel's atom:link; Atom: the feed's link; JSON: its URLs). */
export function feedLinks(format: Format, body: string): Record<string, string> {
  if (format === 'json') {
    const doc = JSON.parse(body) as { feed_url?: string; next_url?: string };
    return { ...(doc.feed_url ? { self: doc.feed_url } : {}), ...(doc.next_url ? { 'prev-archive': doc.next_url } : {}) };
  }
  const doc = parseXml(body);
  const parent = format === 'rss' ? (child(doc, 'channel') as XmlElement) : doc;
  const links = parent.children.filter((c) => c.name === (format === 'rss' ? 'atom:link' : 'link'));
  return Object.fromEntries(links.map((l) => [l.attrs.rel ?? 'alternate', l.attrs.href ?? '']));
}

/** True when the document is marked as an RFC 5005 archive page (`fh:archive`, in its namespace). */
export function isArchivePage(body: string): boolean {
  return findAll(parseXml(body), 'fh:archive').some((el) => el.uri === HISTORY_NS);
}

/** The body the admin API accepts for `article`, with `changes` applied; for PUT. */
export function inputOf(article: ArticleJson, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: article.title,
    summary: article.summary,
    contentHtml: article.contentHtml,
    section: { name: article.section.name, slug: article.section.slug },
    author: { name: article.author.name, slug: article.author.slug },
    tags: article.tags.map((t) => ({ name: t.name, slug: t.slug })),
    status: article.status,
    ...(article.publishedAt ? { publishedAt: article.publishedAt } : {}),
    ...changes,
  };
}

/** Replaces an article through the admin API; fails loudly on anything but 200. */
export async function updateArticle(article: ArticleJson, changes: Record<string, unknown>): Promise<ArticleJson> {
  const res = await admin(`/api/admin/articles/${article.id}`, 'PUT', inputOf(article, changes));
  if (res.status !== 200) throw new Error(`update article: ${res.status} ${await res.text()}`);
  return res.json<ArticleJson>();
}

/** Deletes an article through the admin API; fails loudly on anything but 204. */
export async function deleteArticle(article: ArticleJson): Promise<void> {
  const res = await admin(`/api/admin/articles/${article.id}`, 'DELETE');
  if (res.status !== 204) throw new Error(`delete article: ${res.status} ${await res.text()}`);
}

/** Waits until the next whole second of the clock has begun, so second-granular dates can move. */
export async function nextSecond(): Promise<void> {
  const start = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === start) await scheduler.wait(1000 - (Date.now() % 1000) + 20);
}

/** Polls `check` until it returns true or `ms` pass; returns its last answer. */
export async function eventually(check: () => Promise<boolean>, ms: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await scheduler.wait(everyMs);
  }
}
