/** Checks a page as a person on a phone sees it. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Nothing scrolls sideways at the page's (phone) width, and no script error happened. */
export async function expectReadableOnAPhone(page: Page, errors: string[]): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
}
