/** The message bytes are built the same inside workerd (Buffer through nodejs_compat). */
import { describe, expect, it } from 'vitest';
import { base64Lines, base64Parts, buildRawMessage } from '../../src/adapters/raw-mime.js';
import { joinParts } from '../../src/email/mailer.js';

describe('raw message in workerd', () => {
  it('encodes headers and parts as on Node', () => {
    const raw = buildRawMessage(
      { to: 'reader@example.com', from: 'نشرة <n@nashra.test>', subject: 'نشرة: النشرة اليومية', text: 'نص', html: '<p dir="rtl">نص</p>', messageId: '<m@nashra.test>' },
      new Date('2026-11-29T07:00:00Z'),
    ).toString('latin1');
    expect(raw).toContain('From: =?UTF-8?B?2YbYtNix2Kk=?= <n@nashra.test>\r\n');
    expect(raw).toContain('Date: Sun, 29 Nov 2026 07:00:00 +0000\r\n');
    expect(raw).toContain(`\r\n\r\n${btoa(String.fromCharCode(...new TextEncoder().encode('نص')))}\r\n`);
    const long = 'مقال '.repeat(300);
    const expected = btoa(String.fromCharCode(...new TextEncoder().encode(long))).replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
    expect(base64Lines(long).toString('latin1')).toBe(`${expected}\r\n`);
  });

  it('encodes a body from shared fixed text and a reader\'s values to the same text', () => {
    const fixed = ['<p dir="rtl">' + 'مقال '.repeat(100), '</p><a href="', '">إلغاء</a>'];
    for (const values of [['ليلى', 'https://u.test/?t=a'], ['', 'x'], ['😀😀', 'https://u.test/?t=abcd']]) {
      const parts = { fixed, values };
      const b64 = base64Parts(parts).map((b) => b.toString('latin1')).join('').replace(/\r\n/g, '');
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      expect(new TextDecoder().decode(bytes)).toBe(joinParts(parts));
    }
  });
});
