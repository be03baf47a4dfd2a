/** IP addresses as text: validation, the canonical form, and the block rate limits count by. */

/**
 * The key rate limits count an address under: an IPv4 address as is, an IPv6 address by its
 * /64 (one host, or one home router, owns a whole /64 and could rotate through it).
 */
export function rateLimitAddress(raw: string): string {
  const ip = normalizeIp(raw) ?? raw;
  const groups = ip.includes(':') ? parseIpv6(ip) : null;
  if (!groups) return ip;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/**
 * The canonical text of an IP address (RFC 5952 for IPv6, IPv4-mapped addresses as IPv4), or
 * null when `raw` is not one. Accepts the forms proxies write: `[v6]:port`, `v4:port`, a zone.
 */
export function normalizeIp(raw: string): string | null {
  let v = raw.trim();
  if (v.length === 0 || v.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(v)) v = v.slice(0, v.indexOf(':'));
  if (IPV4.test(v)) return v;
  const groups = parseIpv6(v);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6] as number, groups[7] as number];
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return formatIpv6(groups);
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, IPv4 tail allowed), or null. */
export function parseIpv6(raw: string): number[] | null {
  let v = raw.toLowerCase();
  const zone = v.indexOf('%');
  if (zone >= 0) v = v.slice(0, zone);
  let tail: number[] = [];
  if (v.includes('.')) {
    const cut = v.lastIndexOf(':');
    const v4 = v.slice(cut + 1);
    if (!IPV4.test(v4)) return null;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    v = v.slice(0, cut);
    if (v.endsWith(':')) v += ':'; // "::1.2.3.4": keep the "::"
  }
  const halves = v.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)));
  const left = groupsOf(halves[0] as string);
  const right = [...(halves.length === 2 ? groupsOf(halves[1] as string) : []), ...tail];
  if ([...left, ...right].some(Number.isNaN)) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/** RFC 5952: lower case, no leading zeros, the longest run (two or more) of zero groups as "::". */
function formatIpv6(groups: number[]): string {
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}
