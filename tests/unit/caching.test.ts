import { describe, expect, it } from 'vitest';
import { etagMatches, isNotModified, strongEtag } from '../../src/http/caching.js';

describe('conditional GET', () => {
  it('derives a strong ETag from the body', async () => {
    const a = await strongEtag('<rss/>');
    expect(a).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await strongEtag('<rss/>')).toBe(a);
    expect(await strongEtag('<rss />')).not.toBe(a);
  });

  it('compares weakly, in lists, and honours *', () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc" ,"y"', '"abc"')).toBe(true);
    expect(etagMatches('*', '"abc"')).toBe(true);
    expect(etagMatches('"abcd"', '"abc"')).toBe(false);
  });

  it('lets If-None-Match win over If-Modified-Since', () => {
    const modified = new Date('2026-11-29T08:00:00Z');
    expect(isNotModified({ ifModifiedSince: modified.toUTCString() }, '"a"', modified)).toBe(true);
    expect(isNotModified({ ifModifiedSince: new Date('2026-11-29T07:59:59Z').toUTCString() }, '"a"', modified)).toBe(false);
    expect(isNotModified({ ifNoneMatch: '"b"', ifModifiedSince: modified.toUTCString() }, '"a"', modified)).toBe(false);
    expect(isNotModified({ ifModifiedSince: 'not a date' }, '"a"', modified)).toBe(false);
  });
});
