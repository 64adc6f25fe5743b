import type { GuardianSettings, GuardianSettingsInput, PolicyState, ResponseAction } from '../domain/policy';
import type { GuardianStartInput } from './workflows';

/** Where a history entry came from (`promotion-watch`: a watch after promotion ran out). */
export type DecisionOrigin = 'event' | 'maintenance-window' | 'operator' | 'promotion-watch' | 'approval';

/**
 * running/succeeded/failed: an action the guardian ran · scheduled: deferred to the maintenance
 * window · cancelled: a scheduled retrain replaced by an urgent one · skipped: a guard suppressed
 * it · dry-run / paused: decided, nothing ran · operator: an operator command · noted: not a
 * decision, a fact the guardian records (a promotion watch ran out: the version is stable) ·
 * awaiting-approval: waits for a person (README "Approval before acting") · rejected: a person
 * said no · abandoned: nobody answered in time (or too many requests waited), nothing ran.
 */
export type DecisionStatus =
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'scheduled'
  | 'cancelled'
  | 'skipped'
  | 'dry-run'
  | 'paused'
  | 'operator'
  | 'noted'
  | 'awaiting-approval'
  | 'rejected'
  | 'abandoned';

/** One entry of the guardian's bounded decision history (and of its audit trail row). */
export interface DecisionEntry {
  /** The audit trail's event id: the event's id, `<id>:window-run`, or `operator:<uuid>`. */
  id: string;
  origin: DecisionOrigin;
  /** The event that caused it, when not the entry's own id. */
  triggeringEventId?: string;
  eventType: string;
  severity: string;
  action: string;
  /** What the table (or action_required) said, before the guards. */
  tableAction?: string;
  /** A response was made and (for actions that ran) succeeded. */
  executed: boolean;
  status: DecisionStatus;
  reason: string;
  /** ISO-8601, workflow time. */
  decidedAt: string;
  cooldownUntil?: string;
  /** ISO-8601: when a scheduled retrain runs. */
  runAt?: string;
  /** What the action did, or why it failed. */
  result?: string;
  operator?: string;
  /** An operator's clear-cooldown: the key it cleared (a guardian rebuilt from the audit trail honours it). */
  clearedCooldown?: string;
  /**
   * What the bridge assumed to read the event and the producer's unknown fields, for the audit
   * record only: dropped once the record is written, so the history stays small.
   */
  input?: { assumptions?: string[]; extras?: Record<string, unknown> };
}

export interface PauseInfo {
  reason: string;
  /** Epoch ms. */
  since: number;
  operator?: string;
}

/** A signal whose payload was not a valid event for this model (kept for inspection, bounded). */
export interface RejectedSignal {
  at: string;
  reason: string;
  eventId?: string;
}

export interface GuardianCounters {
  processedEvents: number;
  duplicateEvents: number;
  rejectedSignals: number;
  failedActions: number;
  auditWriteFailures: number;
}

/** Everything a guardian run hands to the next one on continue-as-new. */
export interface GuardianCarriedState {
  settings: GuardianSettings;
  policy: PolicyState;
  seenEventIds: string[];
  /** Oldest first, at most GUARDIAN_HISTORY_LIMIT entries. */
  history: DecisionEntry[];
  paused: PauseInfo | null;
  /** Signals received but not yet processed when the run ended (raw payloads). */
  queuedEvents: unknown[];
  counters: GuardianCounters;
  lastAction?: string;
  lastSeverity?: string;
  recentRejections: RejectedSignal[];
  /** Retrains running as child workflows, by decision id: they outlive a run and report back by signal. */
  runningRetrains: Record<string, RunningRetrain>;
  /** How many runs came before this one. */
  previousRuns: number;
  /**
   * Decisions waiting for a person's approval, oldest first (bounded: MAX_PENDING_APPROVALS).
   * Absent in guardians started before approvals existed.
   */
  pendingApprovals?: PendingApproval[];
}

/** An action that waits for `approve` / `reject` (or its timeout) before it runs. */
export interface PendingApproval {
  /** What `approve` / `reject` name: unique per request. */
  requestId: string;
  /** The history entry (and audit row) of the decision that waits. */
  decisionId: string;
  modelName: string;
  eventType: string;
  action: ResponseAction;
  severity: string;
  priority: 'high' | 'normal';
  /** The decision's reason (clipped to the carry budget). */
  reason: string;
  modelVersion?: string;
  serviceName?: string;
  /** The event that caused it (absent when too large to carry). */
  sourceEvent?: Record<string, unknown>;
  /** Epoch ms, workflow time. */
  requestedAt: number;
  /** Epoch ms: when the timeout outcome applies. */
  expiresAt: number;
  timeoutOutcome: 'abandon' | 'proceed';
  /**
   * Set when the request is a promotion a retrain child waits on (PROMOTION_MODE=approval):
   * the answer goes to that child, which promotes or keeps the champion.
   */
  promotion?: PromotionUnderApproval;
}

/** What a promotion waiting for approval is: the candidate, the champion and the evaluation's verdict. */
export interface PromotionUnderApproval {
  /** The retrain child workflow that waits for the answer. */
  retrainWorkflowId: string;
  candidateVersion: string;
  championVersion?: string;
  /** The evaluation's one-line verdict, with the numbers. */
  evaluation: string;
}

/**
 * From a retrain child to its guardian: a candidate passed evaluation and waits for a person
 * (PROMOTION_MODE=approval). The guardian lists it and answers it like any request.
 */
export interface PromotionApprovalRequest {
  requestId: string;
  /** The RETRAIN decision the child runs for. */
  decisionId: string;
  retrainWorkflowId: string;
  candidateVersion: string;
  championVersion?: string;
  evaluation: string;
  severity: string;
  priority: 'high' | 'normal';
  reason: string;
  /** Epoch ms, workflow time. */
  requestedAt: number;
  expiresAt: number;
  timeoutOutcome: 'abandon' | 'proceed';
}

/** From the guardian back to the retrain child: promote, or keep the champion (and why). */
export interface PromotionAnswer {
  requestId: string;
  promote: boolean;
  /** approved / rejected by a person, proceeded / abandoned at the timeout, or not asked at all. */
  outcome: 'approved' | 'rejected' | 'proceeded' | 'abandoned';
  /** Who said what, or what happened instead: for the retrain's result line. */
  said: string;
}

/** A pending approval as the `pendingApprovals` query, the CLI and GET /approvals show it. */
export interface PendingApprovalView {
  requestId: string;
  decisionId: string;
  modelName: string;
  eventType: string;
  action: string;
  severity: string;
  reason: string;
  requestedAt: string;
  expiresAt: string;
  /** What happens at `expiresAt` if nobody answers. */
  timeoutOutcome: 'abandon' | 'proceed';
  /** For a promotion (action `PROMOTE`): the versions and the evaluation's verdict. */
  promotion?: { candidateVersion: string; championVersion?: string; evaluation: string };
}

/** The argument of the `approve` and `reject` updates. */
export interface ApprovalAnswer {
  requestId: string;
  /** Who answers: required, recorded in the audit trail. */
  by: string;
  /** Why (optional), recorded with it. */
  reason?: string;
}

/** What `approve` / `reject` return: the entry that records the answer. */
export interface ApprovalAnswerResult {
  entry: DecisionEntry;
  /** Requests still waiting after this one. */
  pending: PendingApprovalView[];
}

export interface RunningRetrain {
  workflowId: string;
  /** Epoch ms. */
  startedAt: number;
  /** The decision as it was when the retrain started (in case it left the bounded history). */
  entry: DecisionEntry;
}

/** The guardian's input: the start input, plus what it carries to itself across continue-as-new. */
export interface GuardianRunInput extends GuardianStartInput {
  carried?: GuardianCarriedState;
  /** Continue-as-new after this many events even if Temporal has not suggested it (default 500). */
  eventsPerRun?: number;
}

export interface CooldownView {
  key: string;
  eventType: string;
  action: ResponseAction;
  startedAt: string;
  until: string;
  eventId: string;
}

/** What the state query returns: what an operator needs to see in the Web UI or the CLI. */
export interface GuardianStateView {
  modelName: string;
  /** ISO-8601 workflow time the view was taken at. */
  asOf: string;
  paused: { reason: string; since: string; operator?: string } | null;
  dryRun: boolean;
  settings: GuardianSettings;
  /** Only those still running, with their end times. */
  cooldowns: CooldownView[];
  /** Responses that count for the frequency limit (last hour). */
  recentResponses: Array<{ eventType: string; action: ResponseAction; at: string; eventId: string }>;
  pendingRetrain: { eventId: string; runAt: string; decidedAt: string; reason: string } | null;
  runningActions: Array<{ id: string; action: string; startedAt: string }>;
  /** Newest first. */
  lastDecisions: DecisionEntry[];
  historySize: number;
  counters: GuardianCounters;
  lastAction?: string;
  lastSeverity?: string;
  recentRejections: RejectedSignal[];
  /** 1 for the first run, +1 per continue-as-new. */
  run: number;
  /** The promotion under watch: a degradation before `until` rolls back to `fromVersion` at once. */
  promotionWatch?: {
    fromVersion: string;
    toVersion: string;
    promotedAt: string;
    until: string;
    decisionId: string;
  };
  /** Decisions waiting for approval (absent when none wait). */
  pendingApprovals?: PendingApprovalView[];
}

interface CommandBase {
  /** Why: required, recorded in the audit trail. */
  reason: string;
  /** Who, for the audit trail. */
  operator?: string;
}

/** What operators can do to a running guardian through the update. */
export type OperatorCommand =
  | (CommandBase & { command: 'pause' })
  | (CommandBase & { command: 'resume' })
  | (CommandBase & { command: 'clear-cooldown'; cooldownKey: string })
  | (CommandBase & { command: 'force-action'; action: ResponseAction; serviceName?: string })
  | (CommandBase & { command: 'settings'; settings: GuardianSettingsInput });

export interface OperatorCommandResult {
  entry: DecisionEntry;
  state: GuardianStateView;
}

/** How an action ended, as the history and the audit trail show it (a RETRAIN child reports it by signal). */
export interface ActionOutcome {
  id: string;
  status: 'succeeded' | 'failed';
  result: string;
  /** A retrain that promoted its candidate: what served before and the promoted version. */
  promotion?: { fromVersion?: string; toVersion: string };
}
