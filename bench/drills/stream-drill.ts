import { modelEventStream, waitFor, type BridgeTestEnv } from '../../test/helpers/bridge-harness';
import { uniqueName } from '../../test/helpers/stack';
import { DrillRun, tallyDelivery } from './tally';

const MODELS = 9;
const PRODUCE_EVERY_MS = 200;
/** Events keep flowing this long after recovery, so the recovered path carries traffic too. */
const FLOW_AFTER_FAULT_MS = 2_000;
/** Every bound is a bound, not a target: a drill that needs longer has failed. */
const RECOVER_WITHIN_MS = 120_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when every model's guardian holds every event in `wanted` for it. */
const covers = (received: string[][], wanted: string[][]) =>
  wanted.every((ids, i) => ids.every((id) => received[i].includes(id)));

/**
 * Drift events for nine models flow onto Kafka the whole time; `inject` causes the fault
 * mid-stream and resolves with when it happened. Recovery is the time from the fault until every
 * event produced by the end of the fault has reached its model's guardian; events keep flowing a
 * little longer, then production stops, the run waits for the rest and tallies what arrived.
 */
export async function streamDrill(t: BridgeTestEnv, inject: () => Promise<number>): Promise<DrillRun> {
  const models = Array.from({ length: MODELS }, (_, i) => uniqueName(`drill-model-${i}`));
  const stream = modelEventStream(t, models);
  let producing = true;
  let sendsGivenUp = 0;
  // Per model, how many of its events Kafka has acknowledged. A round's ids join the expected list
  // when its send starts; only an acknowledged send makes them "produced".
  let acknowledged = models.map(() => 0);
  const flow = (async () => {
    while (producing) {
      // A producer may give up while the fault lasts (a broker restart outlasting its retries). The
      // round's events may or may not be on Kafka: they leave the expected list and are counted,
      // and production goes on, as a producer application would.
      const before = stream.expected().map((ids) => ids.length);
      await stream.round().catch(() => {
        stream.expected().forEach((ids, i) => (sendsGivenUp += ids.splice(before[i]).length));
      });
      acknowledged = stream.expected().map((ids) => ids.length);
      await sleep(PRODUCE_EVERY_MS);
    }
  })();
  const deliveredAll = (wanted: string[][]) =>
    waitFor('events at their guardians', stream.received, (r) => covers(r, wanted), RECOVER_WITHIN_MS).then(
      () => Date.now(),
      () => undefined,
    );
  try {
    const faultAt = await inject();
    // Events produced by the end of the fault: those Kafka acknowledged by then. A send still
    // retrying at that moment is not among them (it may yet be given up and never reach Kafka).
    const recoveredAt = await deliveredAll(stream.expected().map((ids, i) => ids.slice(0, acknowledged[i])));
    await sleep(FLOW_AFTER_FAULT_MS);
    producing = false;
    await flow;
    const complete = await deliveredAll(stream.expected());
    const tally = await tallyDelivery(t, models, stream.expected(), await stream.received());
    return {
      ...tally,
      ...(sendsGivenUp > 0 ? { sendsGivenUp } : {}),
      recoverSeconds: complete && recoveredAt ? Math.round((recoveredAt - faultAt) / 100) / 10 : undefined,
    };
  } finally {
    producing = false;
    await flow.catch(() => undefined);
  }
}
