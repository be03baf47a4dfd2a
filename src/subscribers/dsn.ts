/**
 * Reading RFC 3464 delivery status notifications (bounce reports): a `multipart/report;
 * report-type=delivery-status` message, a bare `message/delivery-status` part (or RFC 6533's
 * `message/global-delivery-status`), or a whole bounce email (`message/rfc822`) holding one.
 * Only what suppression needs is read: each recipient's address, action, status and
 * diagnostic. Pure text handling; no runtime APIs.
 */

export type DsnRecipient = {
  /** From Final-Recipient (or Original-Recipient when that is missing), without its type. */
  recipient: string;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded` (lower-cased). */
  action: string;
  /** The RFC 3463 status, e.g. `5.1.1`. */
  status?: string | undefined;
  diagnostic?: string | undefined;
};

type Part = { headers: Map<string, string>; body: string };

const STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
const MAX_DEPTH = 4;

/** Splits `type/subtype; a=b; c="d"` into the lower-cased type and its parameters. */
export function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const [head = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const v = p.slice(eq + 1).trim();
    params[p.slice(0, eq).trim().toLowerCase()] = v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v;
  }
  return { type: head.trim().toLowerCase(), params };
}

/** Header (or DSN field) lines up to the first blank line, unfolded; names lower-cased, first one wins. */
function parseFields(lines: string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
    else last = undefined; // a repeated field's continuation belongs to neither
  }
  return fields;
}

function splitPart(text: string): Part {
  const lines = text.split('\n');
  const blank = lines.findIndex((l) => l.trim() === '');
  const headerLines = blank < 0 ? lines : lines.slice(0, blank);
  return { headers: parseFields(headerLines), body: blank < 0 ? '' : lines.slice(blank + 1).join('\n') };
}

function decodeBody(part: Part): string {
  const cte = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  try {
    if (cte === 'base64') {
      const bin = atob(part.body.replace(/[^A-Za-z0-9+/=]/g, ''));
      return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    }
  } catch {
    return '';
  }
  if (cte === 'quoted-printable') {
    const bytes = part.body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0) & 0xff));
  }
  return part.body;
}

function multipartChildren(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split('\n')) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) break;
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current.join('\n'));
      current = [];
    } else current?.push(line);
  }
  if (current) parts.push(current.join('\n'));
  return parts;
}

/** The body of the first delivery-status part in `body` (of `contentType`), or undefined. */
function findStatusBody(contentType: string, body: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const { type, params } = parseContentType(contentType);
  if (STATUS_TYPES.includes(type)) return body;
  if (type === 'message/rfc822') {
    const inner = splitPart(body);
    return findStatusBody(inner.headers.get('content-type') ?? 'text/plain', decodeBody(inner), depth + 1);
  }
  if (!type.startsWith('multipart/') || !params.boundary) return undefined;
  for (const child of multipartChildren(body, params.boundary)) {
    const part = splitPart(child);
    const found = findStatusBody(part.headers.get('content-type') ?? 'text/plain', decodeBody(part), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `rfc822; <user@example.com>` → `user@example.com`. */
function addressOf(field: string): string {
  const value = field.includes(';') ? field.slice(field.indexOf(';') + 1) : field;
  return value.trim().replace(/^<(.*)>$/, '$1').trim();
}

/**
 * The per-recipient blocks of the delivery status report in `body`, sent as `contentType`.
 * Returns undefined when there is no delivery-status part; blocks without a recipient or an
 * action are left out.
 */
export function parseDeliveryStatusReport(contentType: string, body: string): DsnRecipient[] | undefined {
  const text = findStatusBody(contentType, body.replace(/\r\n?/g, '\n'), 0);
  if (text === undefined) return undefined;
  const groups: string[][] = [[]];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if ((groups[groups.length - 1] as string[]).length) groups.push([]);
    } else (groups[groups.length - 1] as string[]).push(line);
  }
  const out: DsnRecipient[] = [];
  for (const group of groups) {
    const f = parseFields(group);
    const recipient = addressOf(f.get('final-recipient') ?? f.get('original-recipient') ?? '');
    const action = (f.get('action') ?? '').trim().toLowerCase().split(/\s/)[0] ?? '';
    if (!recipient || !action) continue;
    out.push({ recipient, action, status: f.get('status')?.trim(), diagnostic: f.get('diagnostic-code') });
  }
  return out;
}
