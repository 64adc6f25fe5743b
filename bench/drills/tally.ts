import { guardianWorkflowId } from '../../src/contracts/workflows';
import { duplicateEventsQuery } from '../../test/fixtures/bridge-workflows';
import type { BridgeTestEnv } from '../../test/helpers/bridge-harness';

/** What one run of a drill measured. */
export interface DrillRun {
  /** Events produced onto Kafka. */
  produced: number;
  /**
   * Events whose send the producer gave up on (the broker was down for longer than its retries):
   * they may or may not be on Kafka, so they count neither as produced nor as lost.
   */
  sendsGivenUp?: number;
  /** Events the model guardians received (each counted once). */
  delivered: number;
  /** Decisions recorded in the audit trail (drills that run the real guardian). */
  decisions?: number;
  /** Actions that ran to their end, e.g. retrains succeeded (drills that run the real guardian). */
  actionsExecuted?: number;
  /** Produced events no guardian received. */
  lost: number;
  /** Events a guardian holds twice (a second action for one event); its event-id check keeps this 0. */
  duplicated: number;
  /**
   * Redeliveries the guardians recognised by event id and dropped (the price of at-least-once);
   * in the retrain drill, repeated submits the training service answered with the job it had.
   */
  redeliveriesDropped: number;
  /** Models whose events arrived out of produce order. */
  outOfOrderModels: number;
  /** For each of those: the produce positions of its events in the order they arrived. */
  arrivalOrders?: number[][];
  /** Drills that feed bad messages: what became of them. */
  deadLetters?: DeadLetterTally;
  /** Drills that run video analysis jobs: how each ended. */
  videoJobs?: VideoJobTally;
  /** Drills that check the drift alert of every drift event: missing ones count as lost, repeats as duplicated. */
  driftAlerts?: { expected: number; missing: number; sentTwice: number };
  /** Worker processes that died during the run and were started again (as a supervisor would). */
  workerCrashes?: number;
  /** Drills that stop a database: from its return to the first write that succeeded. */
  firstWriteSeconds?: number;
  /** From the fault until every event produced by its end was delivered; undefined if not all arrived in time. */
  recoverSeconds?: number;
  /** The machine's 1-minute load average during the run, sampled every 5 s (hogs and all). */
  loadAverage?: { mean: number; max: number };
}

/** Video analysis jobs a drill started and how they ended. */
export interface VideoJobTally {
  jobs: number;
  completed: number;
  /** Completed jobs whose detections are in PostgreSQL exactly once each (no row missing, none twice). */
  savedExactlyOnce: number;
  /** Jobs that could not succeed and failed with the reason, their job-failed alarm raised. */
  failedWithReasonAndAlarm?: number;
  /** Frames the detector answered successfully. */
  framesAnalysed?: number;
  /** Out-of-memory answers the detector gave (each followed by a halved batch). */
  oomAnswers?: number;
  /** The smallest batch size a completed job ended with. */
  smallestBatch?: number;
}

/** Bad messages produced and the dead letters they became: each once, with a reason. */
export interface DeadLetterTally {
  poison: number;
  /** Bad messages found on the dead-letter topic (each counted once). */
  deadLettered: number;
  /** Bad messages with no dead letter. */
  lost: number;
  /** Dead letters written a second time for one message. */
  duplicated: number;
  /** Dead letters without `dlq.reason_code` or `dlq.reason`. */
  withoutReason: number;
  /** Dead letters per `dlq.reason_code`. */
  reasons: Record<string, number>;
}

/** Compares what each model's guardian holds with what was produced for it. */
export async function tallyDelivery(
  t: BridgeTestEnv,
  models: string[],
  expected: string[][],
  received: string[][],
): Promise<Omit<DrillRun, 'recoverSeconds'>> {
  const produced = expected.flat();
  const got = received.flat();
  const unique = new Set(got);
  const arrivalOrders: number[][] = [];
  expected.forEach((ids, i) => {
    const positions = received[i].map((id) => ids.indexOf(id)).filter((p) => p >= 0);
    if (positions.some((p, k) => k > 0 && p < positions[k - 1])) arrivalOrders.push(positions);
  });
  const dropped = await Promise.all(
    models.map((m) =>
      t.temporal.client.workflow
        .getHandle(guardianWorkflowId(m))
        .query(duplicateEventsQuery)
        .catch(() => 0),
    ),
  );
  return {
    produced: produced.length,
    delivered: unique.size,
    lost: produced.filter((id) => !unique.has(id)).length,
    duplicated: got.length - unique.size,
    redeliveriesDropped: dropped.reduce((a, b) => a + b, 0),
    outOfOrderModels: arrivalOrders.length,
    ...(arrivalOrders.length > 0 ? { arrivalOrders } : {}),
  };
}
