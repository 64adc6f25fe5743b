import { isDegradationEvent, isDriftEvent, type ModelEvent } from '../events';
import { clipText } from '../clip-text';
import { isSeverity, maxSeverity, type Severity, severityRank } from './actions';

/** The severity the policy works with, and how it got there (for the decision's reason). */
export interface SeverityAssessment {
  severity: Severity;
  /** The event's own label, when it was one of LOW|MEDIUM|HIGH|CRITICAL (any case). */
  labelled?: Severity;
  /** e.g. `severity CRITICAL (event said LOW; raised: drift_score 0.85 > 0.8)` */
  explanation: string;
}

interface ContextRaise {
  severity: Severity;
  because: string;
}

/** What the event's numbers alone say (README "The policy"); undefined when they say nothing. */
export function severityFromContext(event: ModelEvent): ContextRaise | undefined {
  if (isDriftEvent(event)) {
    const score = event.drift_score;
    const features = event.affected_features.length;
    if (score > 0.8) return { severity: 'CRITICAL', because: `drift_score ${score} > 0.8` };
    if (features > 5) return { severity: 'CRITICAL', because: `${features} affected features > 5` };
    if (score > 0.6) return { severity: 'HIGH', because: `drift_score ${score} > 0.6` };
    if (features > 3) return { severity: 'HIGH', because: `${features} affected features > 3` };
    return undefined;
  }
  if (isDegradationEvent(event)) {
    const drop = event.performance_drop;
    if (drop > 0.15) return { severity: 'CRITICAL', because: `performance_drop ${drop} > 0.15` };
    if (drop > 0.1) return { severity: 'HIGH', because: `performance_drop ${drop} > 0.10` };
  }
  return undefined;
}

/**
 * Severity from the event's label (case-insensitive; missing or unknown → MEDIUM, said so),
 * raised — never lowered — by what drift score, affected features or performance drop show.
 */
export function assessSeverity(event: ModelEvent): SeverityAssessment {
  const raw = typeof event.severity === 'string' ? event.severity.trim() : undefined;
  const normalised = raw?.toUpperCase();
  const labelled = isSeverity(normalised) ? normalised : undefined;
  const base: Severity = labelled ?? 'MEDIUM';
  const origin = labelled
    ? `event said ${labelled}`
    : raw
      ? `unrecognised severity '${clipText(raw)}', MEDIUM assumed`
      : 'no severity in the event, MEDIUM assumed';

  const raise = severityFromContext(event);
  const severity = raise ? maxSeverity(base, raise.severity) : base;
  const raised = raise && severityRank(raise.severity) > severityRank(base);
  const explanation = raised
    ? `severity ${severity} (${origin}; raised: ${raise.because})`
    : `severity ${severity} (${origin})`;
  return { severity, labelled, explanation };
}
