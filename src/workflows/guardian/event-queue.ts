import type { GuardianCarriedState } from '../../contracts/guardian-messages';
import { MAX_MODEL_EVENT_BYTES } from '../../domain/events';
import { jsonBytes } from '../../domain/json-bytes';
import { CARRY_BUDGET } from './carry-budget';

/**
 * The guardian's queue of signalled events, waiting for the main loop to decide them in arrival
 * order. With bounded state it also counts their bytes: an event larger than any valid one is
 * refused on arrival (reported through `refuse`, never queued), and a queue over what a run may
 * carry tells the loop to keep deciding before it continues as new.
 */
export class EventQueue {
  private bytes = 0;

  constructor(
    private readonly state: GuardianCarriedState,
    private readonly bounded: boolean,
    private readonly refuse: (reason: string, payload: unknown) => void,
  ) {
    if (bounded) for (const payload of state.queuedEvents) this.bytes += jsonBytes(payload);
  }

  get length(): number {
    return this.state.queuedEvents.length;
  }

  add(payload: unknown): void {
    if (this.bounded) {
      const size = jsonBytes(payload);
      if (size > MAX_MODEL_EVENT_BYTES) {
        return this.refuse(
          `invalid event: ${size} bytes as JSON, over the limit of ${MAX_MODEL_EVENT_BYTES} a guardian accepts`,
          payload,
        );
      }
      this.bytes += size;
    }
    this.state.queuedEvents.push(payload);
  }

  take(): unknown {
    const payload = this.state.queuedEvents.shift();
    if (this.bounded) this.bytes = this.state.queuedEvents.length === 0 ? 0 : this.bytes - jsonBytes(payload);
    return payload;
  }

  /** More queued than a run may carry to the next: decide some before continuing as new. */
  get overCarryBudget(): boolean {
    return this.bounded && this.bytes > CARRY_BUDGET.queuedEventsBytes;
  }
}
