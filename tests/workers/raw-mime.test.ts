/** The message bytes are built the same inside workerd (Buffer through nodejs_compat). */
import { describe, expect, it } from 'vitest';
import { base64Lines, buildRawMessage } from '../../src/adapters/raw-mime.js';

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
});
