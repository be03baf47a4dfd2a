/** Polling with a deadline: the e2e tests wait for outcomes, never for a fixed time. */
import { setTimeout as delay } from 'node:timers/promises';

export type PollOptions = {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before each attempt: a message means waiting is pointless (say, the server exited). */
  giveUpIf?: () => string | undefined;
};

/**
 * Calls `check` until it returns a value other than undefined, null or false, and returns it.
 * Throws, naming `what`, when `timeoutMs` passes first; an error thrown by `check` is retried
 * and reported at the deadline.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    const giveUp = opts.giveUpIf?.();
    if (giveUp) throw new Error(`Gave up waiting for ${what}: ${giveUp}`);
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out waiting for ${what}${why}`);
    }
    await delay(opts.intervalMs ?? 50);
  }
}
