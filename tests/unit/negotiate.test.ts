import { describe, expect, it } from 'vitest';
import { FEED_MEDIA_TYPES, names, parseAccept, prefersHtml, qualityOf } from '../../src/http/negotiate.js';

const BROWSERS = {
  chrome: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  firefox: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'firefox (older)': 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  safari: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};

// Shaped like what hosted and desktop readers send: feed types first, or a wildcard.
const READERS = {
  'feedly-like': 'application/atom+xml,application/rss+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.7',
  'inoreader-like': 'application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4, text/html;q=0.2, */*;q=0.1',
  'miniflux-like (text/html tied with the feed types)': 'application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9',
  'netnewswire-like': 'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml, text/xml, */*;q=0.9',
  'python feedparser': 'application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1',
  'json feed reader': 'application/feed+json, application/json;q=0.9',
  curl: '*/*',
  "Java's HttpURLConnection default": 'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2',
  'text/html alone (an HTTP library, not a browser)': 'text/html',
  'an empty header': '',
  'application/xml first': 'application/xml,text/html;q=0.9,*/*;q=0.8',
  'application/xml and text/html tied': 'application/xml, text/html',
  'text/html tied with a wildcard': 'text/html;q=0.5, */*;q=0.5',
  'text/html at q=0': 'text/html;q=0, */*',
  'text/html at q=0 only': 'text/html;q=0',
  'text/* (text/xml ties)': 'text/*',
  'a more specific range lowering text/html': 'text/html;q=0.1, text/*, application/xml;q=0.5',
  'an invalid weight on text/html': 'text/html;q=high, application/rss+xml;q=0.5',
  'a weight above 1 on text/html': 'text/html;q=1.5, application/rss+xml;q=0.5',
  'garbage': 'not a media type, ;;;, /',
};

describe('prefersHtml', () => {
  it.each(Object.entries(BROWSERS))('%s navigating gets the page', (_, accept) => {
    expect(prefersHtml(parseAccept(accept))).toBe(true);
  });

  it.each(Object.entries(READERS))('%s gets the feed', (_, accept) => {
    expect(prefersHtml(parseAccept(accept))).toBe(false);
  });

  it('gives the feed when there is no Accept header at all', () => {
    expect(prefersHtml(parseAccept(undefined))).toBe(false);
    expect(prefersHtml(parseAccept(null))).toBe(false);
  });

  it('gives the page when text/html is ranked above every feed type and XHTML is named, however it is written', () => {
    for (const accept of [
      'text/html, application/xhtml+xml',
      'TEXT/HTML, APPLICATION/XHTML+XML, */*;Q=0.8',
      'text/html;q=0.5, application/xhtml+xml;q=0.5, */*;q=0.4',
      '*/*;q=0.1, application/xhtml+xml;q=0.2, text/html',
      'text/html;charset=utf-8, application/xhtml+xml, */*;q=0.9',
      'text/html, application/xhtml+xml, application/json;q=0.5',
      'text/html ; q=0.9 , application/xhtml+xml , application/rss+xml ; q=0.8',
    ]) {
      expect(prefersHtml(parseAccept(accept)), accept).toBe(true);
    }
  });

  it('gives the feed when XHTML is not named or is refused', () => {
    for (const accept of ['text/html, */*;q=0.8', 'text/html, application/xhtml+xml;q=0', 'text/html, application/*']) {
      expect(prefersHtml(parseAccept(accept)), accept).toBe(false);
    }
  });

  it('ranks every feed type the same way, so none of them loses to text/html by being left out', () => {
    for (const type of FEED_MEDIA_TYPES) {
      const bare = type.split(';')[0] as string;
      expect(prefersHtml(parseAccept(`text/html, application/xhtml+xml, ${bare}`)), bare).toBe(false);
      expect(prefersHtml(parseAccept(`text/html;q=0.9, application/xhtml+xml, ${bare}`)), bare).toBe(false);
    }
  });
});

describe('qualityOf', () => {
  // The example of RFC 9110 §12.5.1: the most specific matching range sets the weight.
  const accept = parseAccept('text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5');
  it.each([
    ['text/plain;format=flowed', 1],
    ['text/plain', 0.7],
    ['text/html', 0.3],
    ['image/jpeg', 0.5],
    ['text/plain;format=fixed', 0.4],
    ['text/html;level=3', 0.3],
  ])('%s weighs %s', (type, q) => {
    expect(qualityOf(accept, type)).toBe(q);
  });

  it('is 1 for anything without an Accept header, 0 for what no range matches', () => {
    expect(qualityOf(parseAccept(undefined), 'application/rss+xml')).toBe(1);
    expect(qualityOf(parseAccept('text/html'), 'application/rss+xml')).toBe(0);
  });

  it('reads quoted parameters, with commas and semicolons in them, and ignores extensions after q', () => {
    const ranges = parseAccept('text/html;x="a,b;c";q=0.2;ext=1, application/xml;q=.5');
    expect(ranges).toEqual([
      { type: 'text', subtype: 'html', params: { x: 'a,b;c' }, q: 0.2 },
      { type: 'application', subtype: 'xml', params: {}, q: 0.5 },
    ]);
  });

  it('reads a bare * as any type and drops malformed ranges', () => {
    expect(parseAccept('*; q=.2, text/plain;q=2, */html, a/b/c, text/html;=x')).toEqual([{ type: '*', subtype: '*', params: {}, q: 0.2 }]);
  });
});

describe('names', () => {
  it('is true only for a range that names the type itself with a weight above 0', () => {
    expect(names(parseAccept('text/html;q=0.1'), 'text/html')).toBe(true);
    expect(names(parseAccept('text/*, */*'), 'text/html')).toBe(false);
    expect(names(parseAccept('text/html;q=0'), 'text/html')).toBe(false);
    expect(names(parseAccept(undefined), 'text/html')).toBe(false);
  });
});
