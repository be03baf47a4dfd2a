/** Where each feed document lives, and the RFC 5005 links between current feed and archives. */
import type { Config } from '../config.js';
import type { FeedFormat } from './formats.js';
import type { FeedScope } from './scope.js';

export function feedUrl(config: Pick<Config, 'PUBLIC_URL'>, scope: Pick<FeedScope, 'path'>, format: FeedFormat, archive?: number): string {
  return `${config.PUBLIC_URL}${scope.path}/feed.${format}${archive ? `?archive=${archive}` : ''}`;
}

/** A feed document's place in the series: the current feed, or archive page `page` (1 = oldest). */
export type FeedLinks = {
  self: string;
  current: string;
  /** Set on archive pages only (RFC 5005 §4: `fh:archive`). */
  archive: boolean;
  prevArchive?: string;
  nextArchive?: string;
  hub?: string;
};

/**
 * Links for a document of a series with `pages` archive pages. The current
 * feed points to the newest archive; archive `page` to its older and newer neighbours.
 */
export function feedLinks(config: Pick<Config, 'PUBLIC_URL' | 'WEBSUB_HUB_URL'>, scope: Pick<FeedScope, 'path'>, format: FeedFormat, page: number | undefined, pages: number): FeedLinks {
  const url = (p?: number) => feedUrl(config, scope, format, p);
  const links: FeedLinks = { self: url(page), current: url(), archive: page !== undefined, hub: config.WEBSUB_HUB_URL };
  if (page === undefined) {
    if (pages > 0) links.prevArchive = url(pages);
  } else {
    if (page > 1) links.prevArchive = url(page - 1);
    if (page < pages) links.nextArchive = url(page + 1);
  }
  return links;
}
