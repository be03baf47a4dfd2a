/**
 * Mail provider events (bounces, complaints, deliveries): `POST /webhooks/mail-events`, signed
 * with WEBHOOK_SECRET (see src/http/webhook-signature.ts). Takes the neutral JSON format
 * (src/subscribers/mail-events.ts) or an RFC 3464 bounce report (src/subscribers/dsn.ts);
 * answers `{ applied, duplicates, ignored }`.
 */
import type { App } from '../app.js';
import { AppError } from '../errors.js';
import { limitBody } from '../http/body.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../http/webhook-signature.js';
import { parseContentType, parseDeliveryStatusReport } from '../subscribers/dsn.js';
import { applyMailEvents, dsnEvents, MAX_EVENTS, parseMailEventsBody, type MailEvent } from '../subscribers/mail-events.js';
import { toHex } from '../text/hex.js';

const REPORT_TYPES = ['multipart/report', 'message/delivery-status', 'message/global-delivery-status', 'message/rfc822'];

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return toHex(digest);
}

function readJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON');
  }
}

export function registerWebhookRoutes(app: App): void {
  app.use('/webhooks/*', limitBody);

  app.post('/webhooks/mail-events', async (c) => {
    const deps = c.get('deps');
    const secret = deps.config.WEBHOOK_SECRET;
    if (!secret) throw new AppError('forbidden', 'Mail event webhooks are off: WEBHOOK_SECRET is not set');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    await verifyWebhookSignature(secret, c.req.header(SIGNATURE_HEADER), bytes, deps.clock.now());

    const contentType = c.req.header('content-type') ?? '';
    const { type, params } = parseContentType(contentType);
    const text = new TextDecoder().decode(bytes);
    let source: string;
    let events: MailEvent[];
    let ignored: number;
    if (type === 'application/json') {
      ({ source, events, unknown: ignored } = parseMailEventsBody(readJsonText(text)));
    } else if (REPORT_TYPES.includes(type) && (type !== 'multipart/report' || (params['report-type'] ?? '').toLowerCase() === 'delivery-status')) {
      const recipients = parseDeliveryStatusReport(contentType, text);
      if (!recipients) throw new AppError('invalid_request', 'The report holds no delivery-status part');
      if (recipients.length > MAX_EVENTS) throw new AppError('invalid_request', `A report may name at most ${MAX_EVENTS} recipients`);
      source = 'dsn';
      ({ events, ignored } = dsnEvents(await sha256Hex(bytes), recipients));
    } else {
      throw new AppError('unsupported_media_type', 'Send application/json events or a delivery status report (multipart/report; report-type=delivery-status)');
    }
    const result = await applyMailEvents(deps, source, events);
    return c.json({ ...result, ignored: result.ignored + ignored });
  });
}
