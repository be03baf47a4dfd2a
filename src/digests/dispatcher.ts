/** The port through which planned deliveries reach a sender. */
export interface DeliveryDispatcher {
  /** Hands over delivery ids to send. Node sends in-process; Workers enqueue on a Queue. */
  dispatch(deliveryIds: string[]): Promise<void>;
  /** Ids per `dispatch` call (default 100). Workers: as many as one `sendBatch` carries. */
  readonly pageSize?: number;
  /**
   * Most `dispatch` calls in one tick (default: no limit). Workers: a cron invocation has a
   * budget of D1 queries; whatever is left is dispatched by the next tick.
   */
  readonly maxPagesPerTick?: number;
}
