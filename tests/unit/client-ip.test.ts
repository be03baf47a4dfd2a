import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app.js';
import { clientIp, nodeClientIp } from '../../src/http/client-ip.js';
import { normalizeIp, parseIpv6, rateLimitAddress } from '../../src/ip-address.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';

describe('IP addresses as text', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:51234', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['0:0:0:0:0:ffff:cb00:7107', '203.0.113.7'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
  ])('normalises %j to %j', (raw, canonical) => {
    expect(normalizeIp(raw)).toBe(canonical);
  });

  it.each(['', 'unknown', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', 'g::1', ':1', '1:2:3:4:5:6:7', '1.2.3.4, 5.6.7.8', 'x'.repeat(80)])(
    'refuses %j',
    (raw) => {
      expect(normalizeIp(raw)).toBeNull();
    },
  );

  it('parses IPv6 with an IPv4 tail', () => {
    expect(parseIpv6('64:ff9b::192.0.2.33')).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]);
  });

  it('counts IPv6 by /64 and IPv4 by address', () => {
    expect(rateLimitAddress('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(rateLimitAddress('2001:db8:aa:bb:ffff::9')).toBe(rateLimitAddress('2001:db8:aa:bb:1:2:3:4'));
    expect(rateLimitAddress('2001:db8:aa:bc::1')).not.toBe(rateLimitAddress('2001:db8:aa:bb::1'));
    expect(rateLimitAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitAddress('203.0.113.8')).not.toBe(rateLimitAddress('203.0.113.7'));
    // An IPv4 client reached over a dual-stack socket is still one IPv4 address, not the ::/64.
    expect(rateLimitAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitAddress('::ffff:198.51.100.1')).not.toBe(rateLimitAddress('::ffff:203.0.113.7'));
  });
});

describe('client address on Node', () => {
  it('uses the socket peer and ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(nodeClientIp('198.51.100.9', '203.0.113.7', 0)).toBe('198.51.100.9');
    expect(nodeClientIp('::ffff:198.51.100.9', undefined, 0)).toBe('198.51.100.9');
  });

  it('reads X-Forwarded-For that many hops from the right, so a prepended address changes nothing', () => {
    // client 203.0.113.7 -> proxy A (appends 203.0.113.7) -> proxy B (appends A) -> Nashra
    expect(nodeClientIp('10.0.0.2', '203.0.113.7', 1)).toBe('203.0.113.7');
    expect(nodeClientIp('10.0.0.2', '1.1.1.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(nodeClientIp('10.0.0.3', '1.1.1.1, 8.8.8.8, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    expect(nodeClientIp('10.0.0.3', '203.0.113.7,10.0.0.2', 2)).toBe('203.0.113.7');
  });

  it('falls back to the peer when the chain is shorter than the trusted hops or the entry is not an address', () => {
    expect(nodeClientIp('10.0.0.2', '203.0.113.7', 2)).toBe('10.0.0.2');
    expect(nodeClientIp('10.0.0.2', '203.0.113.7, garbage', 1)).toBe('10.0.0.2');
    expect(nodeClientIp('10.0.0.2', ' , ', 1)).toBe('10.0.0.2');
    expect(nodeClientIp(undefined, undefined, 1)).toBeNull();
  });
});

describe('clientIp(c)', () => {
  let deps: TestDeps;
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await deps.close();
  });

  function probe(config: Record<string, string> = {}) {
    deps = createTestDeps({ config });
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('deps', deps);
      await next();
    });
    app.get('/ip', (c) => c.json({ ip: clientIp(c) }));
    return app;
  }

  async function listen(app: Hono<AppEnv>): Promise<string> {
    return new Promise((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
    });
  }

  const spoofing = { 'x-forwarded-for': '203.0.113.7', 'cf-connecting-ip': '203.0.113.8', 'x-real-ip': '203.0.113.9' };

  it('over a real Node socket, believes the peer and none of the headers a client can send', async () => {
    const url = await listen(probe());
    const res = await fetch(`${url}/ip`, { headers: spoofing });
    expect(await res.json()).toEqual({ ip: '127.0.0.1' });
  });

  it('behind one trusted proxy, takes the address that proxy appended, not one the client wrote', async () => {
    const url = await listen(probe({ TRUST_PROXY_HOPS: '1' }));
    const res = await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'cf-connecting-ip': '6.6.6.6' } });
    expect(await res.json()).toEqual({ ip: '203.0.113.7' });
  });

  it('trusts nothing outside Node and Workers (an in-process request carries no socket)', async () => {
    const res = await probe().request('/ip', { headers: spoofing });
    expect(await res.json()).toEqual({ ip: null });
  });

  it('ignores CF-Connecting-IP on Node', async () => {
    const env = { incoming: { socket: { remoteAddress: '198.51.100.9' } } };
    const res = await probe().request('/ip', { headers: spoofing }, env);
    expect(await res.json()).toEqual({ ip: '198.51.100.9' });
  });
});
