/** Timing samples and their summaries. All times are milliseconds (performance.now()). */

export type Summary = { n: number; mean: number; p50: number; p99: number; min: number; max: number };

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    mean,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export type Case = { name: string; run: () => Promise<unknown> | unknown };

/**
 * Runs every case once per round, in a rotated order each round, so a noisy neighbour or a GC
 * pause hits all cases alike and their ratios stay meaningful. Warm-up rounds are not recorded.
 */
export async function interleave(cases: Case[], rounds: number, warmup: number): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    const start = ((round % cases.length) + cases.length) % cases.length;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(start + k) % cases.length] as Case;
      const t0 = performance.now();
      await c.run();
      const dt = performance.now() - t0;
      if (round >= 0) samples.get(c.name)?.push(dt);
    }
  }
  return samples;
}

/** Formats a number with a precision that suits its size. */
export function fmt(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return '–';
  const d = digits ?? (x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : 3);
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
export const share = (part: number, whole: number) => `${fmt((100 * part) / whole, 0)} %`;
export const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;
