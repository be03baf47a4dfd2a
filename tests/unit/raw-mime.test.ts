/** The bytes Nashra submits, read back by a real MIME parser. */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { base64Lines, base64Parts, buildRawMessage, encodedWords } from '../../src/adapters/raw-mime.js';
import { joinParts, MailSubmitError, type BodyParts, type MailMessage } from '../../src/email/mailer.js';

const longTitle = 'مقال'.repeat(600); // one 2,400-letter word
const message: MailMessage = {
  to: 'reader@example.com',
  from: 'صحيفة الرأي المغربية <newsletter@news.example.ma>',
  replyTo: 'Editors "Desk" <editors@news.example.ma>',
  subject: 'صحيفة الرأي المغربية: النشرة اليومية، 29 نوفمبر 2026 😀',
  text: `نص المقال\n${longTitle}\n`,
  html: `<html lang="ar" dir="rtl"><body><p>${longTitle}</p></body></html>`,
  messageId: '<e1-s1@news.example.ma>',
  headers: {
    'List-Unsubscribe': '<https://news.example.ma/unsubscribe?token=abc.def>, <mailto:unsub@news.example.ma?subject=unsubscribe%20abc.def>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': 'صحيفة الرأي المغربية <digest.news.example.ma>',
    'Auto-Submitted': 'auto-generated',
    'Feedback-ID': 'e1:digest:nashra',
  },
};

describe('raw message', () => {
  it('reads back with every header decoded and the text part before the HTML one', async () => {
    const raw = buildRawMessage(message, new Date('2026-11-29T07:00:00Z'));
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(message.subject);
    expect(mail.from?.value).toEqual([{ name: 'صحيفة الرأي المغربية', address: 'newsletter@news.example.ma' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Editors "Desk"', address: 'editors@news.example.ma' }]);
    expect(mail.messageId).toBe('<e1-s1@news.example.ma>');
    expect(mail.date?.toISOString()).toBe('2026-11-29T07:00:00.000Z');
    expect(mail.text).toBe(message.text);
    expect(mail.html).toBe(message.html);
    // mailparser leaves a List-Id phrase encoded; it decodes to the site name, the id stays bare.
    const list = mail.headers.get('list') as { id: { id: string; name: string } };
    expect(list.id.id).toBe('digest.news.example.ma');
    const words = list.id.name.match(/=\?UTF-8\?B\?([^?]*)\?=/g) ?? [];
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe('صحيفة الرأي المغربية');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    const text = raw.toString('latin1');
    expect(text.indexOf('Content-Type: text/plain')).toBeLessThan(text.indexOf('Content-Type: text/html'));
    expect(text).toMatch(/Content-Type: multipart\/alternative;\r\n boundary=/);
  });

  it('keeps every line within 78 characters in the headers and 998 anywhere, and every encoded-word within 75', () => {
    const lines = buildRawMessage(message, new Date()).toString('latin1').split('\r\n');
    const headerEnd = lines.indexOf('');
    // A URL with no space cannot be folded; every other header line fits.
    for (const line of lines.slice(0, headerEnd).filter((l) => !l.includes('https://'))) expect(line.length, line).toBeLessThanOrEqual(78);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(998);
    for (const word of lines.join(' ').match(/=\?UTF-8\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(encodedWords('😀'.repeat(30)).every((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8').match(/^(😀)+$/))).toBe(true);
  });

  it('dates each message by its own second, and encodes a repeated header text the same every time', () => {
    const at = (iso: string) => /\r\nDate: ([^\r]*)\r\n/.exec(buildRawMessage(message, new Date(iso)).toString('latin1'))?.[1];
    expect(at('2026-11-29T07:00:00.100Z')).toBe('Sun, 29 Nov 2026 07:00:00 +0000');
    expect(at('2026-11-29T07:00:00.900Z')).toBe('Sun, 29 Nov 2026 07:00:00 +0000');
    expect(at('2026-11-29T07:00:01.000Z')).toBe('Sun, 29 Nov 2026 07:00:01 +0000');
    expect(at('2026-11-28T07:00:00.000Z')).toBe('Sat, 28 Nov 2026 07:00:00 +0000');
    const once = encodedWords(message.subject);
    expect(encodedWords(message.subject)).toEqual(once);
    expect(once.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe(message.subject);
  });

  it('refuses a header value with a line break before building anything', () => {
    for (const bad of [{ subject: 'x\r\nBcc: victim@example.com' }, { to: 'a@example.com\nBcc: b@example.com' }, { headers: { 'Feedback-ID': 'x\r\ny' } }]) {
      expect(() => buildRawMessage({ ...message, ...bad }, new Date())).toThrow(MailSubmitError);
    }
  });

  it('writes base64 exactly as Buffer does, in lines of 76', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'نشرة', 'x'.repeat(57), 'x'.repeat(58), 'مقال '.repeat(997), '😀'.repeat(101)]) {
      const expected = Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
      expect(base64Lines(text).toString('latin1'), JSON.stringify(text.slice(0, 10))).toBe(expected ? `${expected}\r\n` : '');
    }
  });

  describe('a body from fixed text and a reader\'s values', () => {
    // Values of every length modulo 3 and 57 (one base64 line), in one- to four-byte characters,
    // around fixed texts shorter than a base64 group, empty, and many lines long.
    const fixed = ['<html lang="ar" dir="rtl">' + 'مقال الرأي '.repeat(40), 'x', '', '😀', 'ab', `"> ${'نص '.repeat(333)}`, '</html>\n'];
    const alphabet = ['a', 'ن', '€', '😀', '&amp;'];
    const valuesFor = (seed: number) =>
      Array.from({ length: fixed.length - 1 }, (_, i) => Array.from({ length: (seed * 7 + i * 13) % 61 }, (_, j) => alphabet[(seed + i + j) % alphabet.length]).join(''));

    it('decodes to exactly the joined text, for every mix of value lengths', () => {
      for (let seed = 0; seed < 200; seed++) {
        const parts: BodyParts = { fixed, values: valuesFor(seed) };
        const body = Buffer.concat(base64Parts(parts)).toString('latin1');
        const lines = body.split('\r\n');
        expect(lines.pop()).toBe(''); // every line ends in CRLF
        for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9+/=]{1,76}$/);
        // Padding only at the very end: the parts join into one base64 stream.
        expect(lines.slice(0, -1).join('')).not.toContain('=');
        expect(lines.join('').length % 4).toBe(0);
        expect(Buffer.from(lines.join(''), 'base64').toString('utf8')).toBe(joinParts(parts));
      }
    });

    it('reuses the fixed text\'s encoded lines between readers', () => {
      const values = valuesFor(1);
      const one = base64Parts({ fixed, values });
      // Another reader: other values, of the same lengths in bytes (so the same starts).
      const two = base64Parts({ fixed, values: values.map((v) => v.replaceAll('a', 'b')) });
      const shared = one.filter((b) => two.includes(b));
      expect(Buffer.concat(one).equals(Buffer.concat(two))).toBe(false);
      // All of the fixed text's encoding but the few bytes at each edge (and the CRLF of a short line).
      const fixedEncoded = fixed.reduce((n, f) => n + base64Lines(f).length, 0);
      expect(shared.reduce((n, b) => n + b.length, 0)).toBeGreaterThan(fixedEncoded - fixed.length * 12);
    });

    it('reads back through a MIME parser as the joined text', async () => {
      const html: BodyParts = { fixed, values: valuesFor(5) };
      const text: BodyParts = { fixed: ['مرحبا ', '\nنص\n'], values: ['ليلى 😀'] };
      const mail = await simpleParser(buildRawMessage({ ...message, html: joinParts(html), text: joinParts(text), parts: { html, text } }, new Date()));
      expect(mail.html).toBe(joinParts(html));
      expect(mail.text).toBe(joinParts(text));
    });
  });
});
