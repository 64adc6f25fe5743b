import os from 'node:os';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  DB_FAILURE_COUNT_WORKFLOW_ID,
  FAILURE_OBSERVED_SIGNAL,
  type FailureObserved,
  type FleetFailureCountInput,
} from '../../contracts/fleet-alarms';

/** Reports one failure to the fleet's count; rejects when Temporal cannot take it. */
export interface FleetFailureCounter {
  report(detail: string): Promise<void>;
}

export interface TemporalFailureCounterOptions {
  taskQueue: string;
  threshold: number;
  windowMinutes: number;
  /** Default: DB_FAILURE_COUNT_WORKFLOW_ID and the task queue, one count per fleet of video workers. */
  workflowId?: string;
  /** This process, as the alarm names it. */
  reporter?: string;
  /** The client to signal with; default: the running activity's (the worker's own connection). */
  client?: () => Client;
}

/**
 * Signals (and starts, when none runs) the fleet's counting workflow. Temporal, not PostgreSQL,
 * holds the count: the database is what is down when these failures happen.
 */
export function temporalFailureCounter(options: TemporalFailureCounterOptions): FleetFailureCounter {
  const reporter = options.reporter ?? `${os.hostname()}:${process.pid}`;
  const clientOf = options.client ?? (() => Context.current().client);
  const input: FleetFailureCountInput = {
    threshold: options.threshold,
    windowMinutes: options.windowMinutes,
  };
  return {
    async report(detail) {
      const failure: FailureObserved = { reporter, detail: detail.slice(0, 500) };
      await clientOf().workflow.signalWithStart('fleetFailureCountWorkflow', {
        workflowId: options.workflowId ?? `${DB_FAILURE_COUNT_WORKFLOW_ID}:${options.taskQueue}`,
        taskQueue: options.taskQueue,
        args: [input],
        signal: FAILURE_OBSERVED_SIGNAL,
        signalArgs: [failure],
      });
    },
  };
}
