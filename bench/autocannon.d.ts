/** The part of autocannon 8's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  type Percentiles = { average: number; mean: number; min: number; max: number; total: number; p50: number; p99: number };
  export type Options = {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    headers?: Record<string, string>;
    /** Return the raw `RunResult` (encoded histograms), to merge several runs with `aggregateResult`. */
    skipAggregateResult?: boolean;
  };
  /** One run's raw result with `skipAggregateResult`. */
  export type RunResult = {
    /** Seconds. */
    duration: number;
    totalCompletedRequests: number;
    errors: number;
    timeouts: number;
    statusCodeStats: Record<string, { count: number }>;
  };
  export type Result = {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    /** Milliseconds. */
    latency: Percentiles;
    /** Per-second samples; `total` counts completed requests. */
    requests: Percentiles & { sent: number };
    /** Bytes read, headers included. */
    throughput: Percentiles;
  };
  function autocannon(opts: Options & { skipAggregateResult: true }): Promise<RunResult>;
  function autocannon(opts: Options): Promise<Result>;
  namespace autocannon {
    /** Merges raw runs (histograms included); `duration` is the first run's, not the sum. */
    function aggregateResult(results: RunResult[], opts: Pick<Options, 'url' | 'connections' | 'pipelining'>): Result;
  }
  export default autocannon;
}
