/** The three feed formats and how they are served. */
export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Image MIME types as registered with IANA; common misspellings are mapped to them. */
export function registeredImageType(type: string): string {
  const t = type.trim().toLowerCase();
  return ({ 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png', 'image/svg': 'image/svg+xml' } as Record<string, string>)[t] ?? t;
}
