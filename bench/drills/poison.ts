import type { KafkaMessage } from 'kafkajs';
import {
  driftEvent,
  guardianEvents,
  header,
  produce,
  readTopic,
  startInProcessBridge,
  waitFor,
  type BridgeTestEnv,
} from '../../test/helpers/bridge-harness';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { uniqueName } from '../../test/helpers/stack';
import { DeadLetterTally, DrillRun, tallyDelivery } from './tally';

const MODELS = 9;
const GOOD = 10_000;
const POISON = 10_000;
/** Messages per produce call: the stream arrives in chunks, as from busy producers. */
const CHUNK = 500;
/** A bound, not a target: 20,000 messages on a busy 2-core machine take a minute or two. */
const DONE_WITHIN_MS = 600_000;
/** Header the drill puts on each poison message to find its dead letter (dead letters keep headers). */
const POISON_ID = 'drill-poison-id';

/** Ways a producer gets a message wrong: three malformed ones, a schema violation, no model to route by. */
const POISON_KINDS: Array<(model: string) => string | Buffer> = [
  () => '{"event_type": "data_drift_detected", "model_name": ', // malformed_json
  (model) => JSON.stringify(driftEvent(model, { drift_score: 1.2 })), // schema_violation
  (model) => JSON.stringify({ ...driftEvent(model), model_name: undefined, model_version: undefined }), // unroutable
  () => Buffer.from([0xff, 0xfe, 0x7b, 0x22]), // not UTF-8: malformed_json
  () => '', // empty: malformed_json
];

/**
 * Drill (h): 10,000 poison messages interleaved with 10,000 good drift events on the input topic,
 * keyed like the good ones so each sits between a model's events in its partition, through one
 * bridge. The bar: every good event reaches its guardian once and in order, every poison message
 * is on the dead-letter topic once with a reason, nothing is lost. "Recover" is the time from the
 * first message produced until all of that is true.
 */
export async function poisonDrill(t: BridgeTestEnv): Promise<DrillRun> {
  const models = Array.from({ length: MODELS }, (_, i) => uniqueName(`poison-model-${i}`));
  const expected = models.map((): string[] => []);
  const messages: Array<{ key: string; value: string | Buffer; headers?: Record<string, string> }> = [];
  for (let i = 0; i < GOOD + POISON; i++) {
    const m = Math.floor(i / 2) % MODELS;
    if (i % 2 === 0) {
      const event = driftEvent(models[m]);
      expected[m].push(event.event_id);
      messages.push({ key: models[m], value: JSON.stringify(event) });
    } else {
      const kind = POISON_KINDS[Math.floor(i / 2) % POISON_KINDS.length];
      messages.push({ key: models[m], value: kind(models[m]), headers: { [POISON_ID]: String(i) } });
    }
  }
  const bridge = await startInProcessBridge(t);
  try {
    const startedAt = Date.now();
    for (let i = 0; i < messages.length; i += CHUNK) {
      await produce(t.producer, t.topics.drift, messages.slice(i, i + CHUNK));
    }
    const received = () =>
      Promise.all(
        models.map(async (m) =>
          (await guardianEvents(t.temporal.client, guardianWorkflowId(m))).map((e) => e.eventId),
        ),
      );
    const goodArrived = await waitFor(
      'every good event at its guardian',
      received,
      (r) => r.every((ids, i) => ids.length >= expected[i].length),
      DONE_WITHIN_MS,
    ).then(
      () => true,
      () => false,
    );
    const letters = await readTopic(
      t.kafka,
      t.topics.deadLetter,
      (read) => read.length >= POISON,
      Math.max(DONE_WITHIN_MS - (Date.now() - startedAt), 10_000),
    ).catch(() => []);
    const doneAt = Date.now();
    const deadLetters = tallyDeadLetters(letters, POISON);
    const tally = await tallyDelivery(t, models, expected, await received());
    const complete =
      goodArrived && tally.lost === 0 && deadLetters.lost === 0 && deadLetters.withoutReason === 0;
    return {
      ...tally,
      deadLetters,
      recoverSeconds: complete ? Math.round((doneAt - startedAt) / 100) / 10 : undefined,
    };
  } finally {
    await bridge.stop();
  }
}

/** Which poison messages reached the dead-letter topic, how often, and with what reason. */
function tallyDeadLetters(letters: KafkaMessage[], poison: number): DeadLetterTally {
  const seen = new Set<string>();
  const reasons: Record<string, number> = {};
  let withoutReason = 0;
  let duplicated = 0;
  for (const letter of letters) {
    const id = header(letter, POISON_ID);
    if (id === undefined) continue;
    if (seen.has(id)) duplicated++;
    seen.add(id);
    const code = header(letter, 'dlq.reason_code');
    if (!code || !header(letter, 'dlq.reason')) withoutReason++;
    else reasons[code] = (reasons[code] ?? 0) + 1;
  }
  return { poison, deadLettered: seen.size, lost: poison - seen.size, duplicated, withoutReason, reasons };
}
