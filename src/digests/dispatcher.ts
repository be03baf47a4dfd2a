/** The port through which planned deliveries reach a sender. */
export interface DeliveryDispatcher {
  /** Hands over delivery ids to send. Node sends in-process; Workers enqueue on a Queue. */
  dispatch(deliveryIds: string[]): Promise<void>;
}
