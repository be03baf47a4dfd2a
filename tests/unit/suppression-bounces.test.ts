import { describe, expect, it } from 'vitest';
import { bounceKindOfSmtpReply, bounceKindOfStatus, parseEnhancedStatus } from '../../src/subscribers/bounces.js';
import { parseDeliveryStatusReport } from '../../src/subscribers/dsn.js';
import { dsnEvents } from '../../src/subscribers/mail-events.js';

describe('which SMTP replies are bounces', () => {
  it.each([
    ['550 5.1.1 <x@example.com>: Recipient address rejected: User unknown', 'recipient', 'hard'],
    ['550 No such user here', 'recipient', 'hard'],
    ['551 User not local', 'recipient', 'hard'],
    ['553 5.1.3 Bad recipient address syntax', 'recipient', 'hard'],
    ['550 5.2.1 Mailbox disabled', 'recipient', 'hard'],
    ['554 5.1.1 Unknown user (reported after DATA)', 'data', 'hard'],
    ['552 5.2.2 Mailbox full', 'recipient', 'soft'],
    ['552 Requested mail action aborted: exceeded storage allocation', 'recipient', 'soft'],
    ['452 4.2.2 Mailbox full', 'recipient', 'soft'],
    ['450 Mailbox busy', 'recipient', 'soft'],
    ['451 4.4.3 Try again later', 'data', 'soft'],
  ] as const)('%s at %s is a %s bounce', (reply, stage, kind) => {
    expect(bounceKindOfSmtpReply(Number(reply.slice(0, 3)), reply, stage)).toBe(kind);
  });

  it.each([
    ['535 5.7.8 Authentication credentials invalid', 'auth'],
    ['530 Authentication required', 'recipient'],
    ['553 5.1.8 Sender address domain does not exist', 'sender'],
    ['550 5.1.7 Bad sender address', 'recipient'],
    ['550 5.7.1 Relay access denied', 'recipient'],
    ['554 5.7.1 Message rejected as spam', 'data'],
    ['552 5.3.4 Message size exceeds fixed limit', 'data'],
    ['552 Message size exceeds fixed maximum message size', 'data'],
    ['552 5.2.3 Message length exceeds administrative limit', 'recipient'],
    ['554 Transaction failed', 'recipient'],
    ['554 Transaction failed', 'data'],
    ['421 4.7.0 Too many connections, closing', 'recipient'],
    ['500 5.5.2 Syntax error', 'recipient'],
    ['550 5.1.1 User unknown', 'connection'],
    ['550 5.1.1 User unknown', undefined],
  ] as const)('%s at %s is about us, not the recipient', (reply, stage) => {
    expect(bounceKindOfSmtpReply(Number(reply.slice(0, 3)), reply, stage)).toBeUndefined();
  });

  it('ignores an enhanced code whose class disagrees with the reply code', () => {
    expect(bounceKindOfSmtpReply(450, '450 5.1.1 odd server', 'recipient')).toBe('soft');
  });

  it('reads enhanced status codes, and nothing that merely looks like one', () => {
    expect(parseEnhancedStatus('5.1.1')).toEqual({ klass: 5, subject: 1, detail: 1 });
    expect(parseEnhancedStatus('4.4.7 (delivery time expired)')).toEqual({ klass: 4, subject: 4, detail: 7 });
    expect(parseEnhancedStatus('5.1.1.2')).toBeUndefined();
    expect(parseEnhancedStatus('3.1.1')).toBeUndefined();
    expect(bounceKindOfStatus({ klass: 5, subject: 4, detail: 4 })).toBe('hard');
    expect(bounceKindOfStatus({ klass: 5, subject: 4, detail: 7 })).toBe('soft');
    expect(bounceKindOfStatus({ klass: 2, subject: 0, detail: 0 })).toBeUndefined();
  });
});

const BOUNDARY = 'B0UNDARY/nashra';

/** A Postfix-style bounce: notification text, the delivery-status part, the original headers. */
function bounceReport(status: string, opts: { encoding?: 'base64' } = {}): string {
  const part = opts.encoding === 'base64' ? btoa(status).replace(/(.{76})/g, '$1\n') : status;
  return [
    'This is a MIME-encapsulated message.',
    '',
    `--${BOUNDARY}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    'Final-Recipient: rfc822; decoy@example.com',
    'Action: failed',
    '',
    `--${BOUNDARY}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    ...(opts.encoding ? [`Content-Transfer-Encoding: ${opts.encoding}`] : []),
    '',
    part,
    `--${BOUNDARY}`,
    'Content-Type: text/rfc822-headers',
    '',
    'Subject: النشرة اليومية',
    `--${BOUNDARY}--`,
    '',
  ].join('\r\n');
}

const STATUS = [
  'Reporting-MTA: dns; relay.nashra.test',
  'Arrival-Date: Sun, 29 Nov 2026 08:00:00 +0000',
  '',
  'Final-Recipient: rfc822; gone@example.com',
  'Original-Recipient: rfc822;gone@example.com',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address',
  '    rejected: User unknown',
  '',
  'Final-Recipient: rfc822; <full@example.com>',
  'Action: failed',
  'Status: 4.2.2',
  '',
  'Final-Recipient: rfc822; later@example.com',
  'Action: delayed',
  'Status: 4.4.1',
  '',
  'Final-Recipient: rfc822; spam@example.com',
  'Action: failed',
  'Status: 5.7.1',
  '',
  'Final-Recipient: rfc822; fine@example.com',
  'Action: delivered',
  'Status: 2.0.0',
  '',
].join('\n');

const CONTENT_TYPE = `multipart/report; report-type=delivery-status; boundary="${BOUNDARY}"`;

describe('RFC 3464 delivery status reports', () => {
  it('reads each recipient of a multipart report, with folded diagnostics, and none of the notification text', () => {
    const recipients = parseDeliveryStatusReport(CONTENT_TYPE, bounceReport(STATUS));
    expect(recipients).toEqual([
      { recipient: 'gone@example.com', action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown' },
      { recipient: 'full@example.com', action: 'failed', status: '4.2.2', diagnostic: undefined },
      { recipient: 'later@example.com', action: 'delayed', status: '4.4.1', diagnostic: undefined },
      { recipient: 'spam@example.com', action: 'failed', status: '5.7.1', diagnostic: undefined },
      { recipient: 'fine@example.com', action: 'delivered', status: '2.0.0', diagnostic: undefined },
    ]);
  });

  it('reads a base64 part, a bare delivery-status body, and a whole bounce email', () => {
    const plain = parseDeliveryStatusReport(CONTENT_TYPE, bounceReport(STATUS));
    expect(parseDeliveryStatusReport(CONTENT_TYPE, bounceReport(STATUS, { encoding: 'base64' }))).toEqual(plain);
    expect(parseDeliveryStatusReport('message/delivery-status', STATUS)).toEqual(plain);
    const email = [
      'From: MAILER-DAEMON@relay.nashra.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Content-Type: multipart/report; report-type=delivery-status;`,
      `\tboundary="${BOUNDARY}"`,
      'MIME-Version: 1.0',
      '',
      bounceReport(STATUS),
    ].join('\r\n');
    expect(parseDeliveryStatusReport('message/rfc822', email)).toEqual(plain);
  });

  it('finds nothing in a report without a delivery-status part', () => {
    expect(parseDeliveryStatusReport(CONTENT_TYPE, `--${BOUNDARY}\nContent-Type: text/plain\n\nhello\n--${BOUNDARY}--\n`)).toBeUndefined();
    expect(parseDeliveryStatusReport('multipart/report; report-type=delivery-status', 'no boundary')).toBeUndefined();
    expect(parseDeliveryStatusReport('text/plain', STATUS)).toBeUndefined();
  });

  it('turns failed recipients into hard or soft bounces, deliveries into deliveries, and ignores the rest', () => {
    const { events, ignored } = dsnEvents('dsn:abc', parseDeliveryStatusReport(CONTENT_TYPE, bounceReport(STATUS)) ?? []);
    expect(events).toEqual([
      { id: 'dsn:abc:0', type: 'bounce', email: 'gone@example.com', bounceType: 'hard', detail: expect.stringContaining('Status: 5.1.1') },
      { id: 'dsn:abc:1', type: 'bounce', email: 'full@example.com', bounceType: 'soft', detail: 'Status: 4.2.2' },
      { id: 'dsn:abc:4', type: 'delivered', email: 'fine@example.com', detail: 'Status: 2.0.0' },
    ]);
    expect(ignored).toBe(2); // delayed, and 5.7.1 (policy: about the sender)
  });
});
