/**
 * A stand-in for Turnstile's siteverify on loopback: a real HTTP server that records what it
 * was sent and answers as Cloudflare documents (tokens "pass" succeed, "used" are duplicates).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../../src/deps.js';
import { TURNSTILE_VERIFY_URL } from '../../src/subscribers/turnstile.js';

export type SiteverifyAnswer = { status: number; body: string; delayMs?: number };

export type Siteverify = {
  url: string;
  /** Each request's form fields, in order. */
  requests: Record<string, string>[];
  /** Replaces how it answers (the default follows the token). */
  answerWith(fn: (form: Record<string, string>) => SiteverifyAnswer): void;
  /** `fetch` that sends what is meant for Cloudflare's siteverify here instead. */
  routeFetch(fetch: Deps['fetch']): Deps['fetch'];
  close(): Promise<void>;
};

const json = (body: unknown, status = 200): SiteverifyAnswer => ({ status, body: JSON.stringify(body) });

export function defaultAnswer(form: Record<string, string>): SiteverifyAnswer {
  if (form.secret !== 'turnstile-test-secret') return json({ success: false, 'error-codes': ['invalid-input-secret'] });
  if (form.response === 'pass') return json({ success: true, challenge_ts: '2026-11-29T08:00:00Z', hostname: 'nashra.test', 'error-codes': [] });
  if (form.response === 'used') return json({ success: false, 'error-codes': ['timeout-or-duplicate'] });
  return json({ success: false, 'error-codes': ['invalid-input-response'] });
}

export async function startSiteverify(): Promise<Siteverify> {
  const requests: Record<string, string>[] = [];
  let answer = defaultAnswer;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (s: string) => (body += s));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push(form);
      const a = answer(form);
      const send = () => res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
  return {
    url,
    requests,
    answerWith: (fn) => void (answer = fn),
    routeFetch: (fetch) => (input, init) => {
      const target = input instanceof Request ? input.url : String(input);
      return fetch(target === TURNSTILE_VERIFY_URL ? url : input, init);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
