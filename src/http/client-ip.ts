/**
 * The client's address, for rate limits and the consent record. Only what the platform vouches
 * for is believed: on Workers the `CF-Connecting-IP` that Cloudflare sets; on Node the socket's
 * peer, or, behind `TRUST_PROXY_HOPS` reverse proxies, the entry that many hops from the right
 * of `X-Forwarded-For` (entries a client writes itself sit further left and are never read).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app.js';
import { normalizeIp } from '../ip-address.js';

export { rateLimitAddress } from '../ip-address.js';

/** What @hono/node-server puts in `c.env`: the Node request, whose socket knows the peer. */
type NodeBindings = { incoming?: { socket?: { remoteAddress?: string | undefined } } };

/** The client's address, canonical (IPv4-mapped IPv6 as IPv4), or null when none can be trusted. */
export function clientIp(c: Context<AppEnv>): string | null {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (incoming) {
    return nodeClientIp(incoming.socket?.remoteAddress, c.req.header('x-forwarded-for'), c.get('deps').config.TRUST_PROXY_HOPS);
  }
  if (isWorkers()) return normalizeIp(c.req.header('cf-connecting-ip') ?? '');
  return null; // neither runtime (an in-process test request): nothing to trust
}

function isWorkers(): boolean {
  return typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';
}

/**
 * Node: the socket's peer when no proxy is trusted (or the request bypassed them: fewer entries
 * than hops), else the `hops`-th entry of `X-Forwarded-For` from the right.
 */
export function nodeClientIp(remoteAddress: string | undefined, forwardedFor: string | undefined, hops: number): string | null {
  const peer = remoteAddress ? normalizeIp(remoteAddress) : null;
  if (hops <= 0 || !forwardedFor) return peer;
  const chain = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
  if (chain.length < hops) return peer;
  return normalizeIp(chain[chain.length - hops] as string) ?? peer;
}
