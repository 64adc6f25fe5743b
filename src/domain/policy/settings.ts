import { approvalProblems, type ApprovalSettings } from '../approval/approval-settings';
import { clipText } from '../clip-text';
import { evaluationProblems, type EvaluationSettings } from '../evaluation/evaluation-settings';
import type { BusinessHours } from './business-hours';
import { hysteresisProblems, type HysteresisRules } from './hysteresis';
import { type MaintenanceWindow, parseClockTime } from './maintenance-window';
import { promotionWatchProblems } from './promotion-watch';
import { isValidTimeZone } from './time-zone';

/**
 * Everything the policy and the guardian need from configuration, as plain data: passed in
 * the guardian's start input (workflows never read the environment) and used by `simulate`.
 */
export interface GuardianSettings {
  /** IANA zone for business hours and the maintenance window. */
  timeZone: string;
  businessHours: BusinessHours;
  maintenanceWindow: MaintenanceWindow;
  /** Decide and record, run no action. */
  dryRun: boolean;
  /**
   * Act on an event type only after N detections within W minutes (guard 0). Absent in the
   * settings of guardians started before it: no rule, every detection acts as before.
   */
  hysteresis?: HysteresisRules;
  /**
   * How a retrained candidate is judged and promoted. Absent (the default, and in the settings of
   * guardians started before it): a retrain ends when training does.
   */
  evaluation?: EvaluationSettings;
  /**
   * Minutes after a promotion in which a degradation or failed health check rolls back to the
   * replaced version at once; 0: no watch. Absent in the settings of guardians started before it:
   * DEFAULT_PROMOTION_WATCH_MINUTES.
   */
  promotionWatchMinutes?: number;
  /**
   * Which decisions wait for a person's approval. Absent (the default, and in the settings of
   * guardians started before it): every decision runs as it always did.
   */
  approval?: ApprovalSettings;
}

/** The defaults of README "The policy" (and of src/config): UTC, 06:00–22:59, window 02:00–04:00. */
export const DEFAULT_GUARDIAN_SETTINGS: GuardianSettings = {
  timeZone: 'UTC',
  businessHours: { startHour: 6, endHour: 22, criticalOverride: false },
  maintenanceWindow: { start: '02:00', end: '04:00' },
  dryRun: false,
  hysteresis: {},
};

/** Settings as a caller may give them: any part left out takes its default. */
export interface GuardianSettingsInput {
  timeZone?: string;
  businessHours?: Partial<BusinessHours>;
  maintenanceWindow?: Partial<MaintenanceWindow>;
  dryRun?: boolean;
  hysteresis?: HysteresisRules;
  evaluation?: EvaluationSettings;
  promotionWatchMinutes?: number;
  approval?: ApprovalSettings;
}

/** Fills gaps with defaults and validates; throws an Error naming every bad field. */
export function resolveGuardianSettings(input: GuardianSettingsInput = {}): GuardianSettings {
  const settings: GuardianSettings = {
    timeZone: input.timeZone ?? DEFAULT_GUARDIAN_SETTINGS.timeZone,
    businessHours: { ...DEFAULT_GUARDIAN_SETTINGS.businessHours, ...stripUndefined(input.businessHours) },
    maintenanceWindow: {
      ...DEFAULT_GUARDIAN_SETTINGS.maintenanceWindow,
      ...stripUndefined(input.maintenanceWindow),
    },
    dryRun: input.dryRun ?? DEFAULT_GUARDIAN_SETTINGS.dryRun,
    hysteresis: input.hysteresis ?? {},
  };
  if (input.evaluation) settings.evaluation = input.evaluation;
  if (input.promotionWatchMinutes !== undefined) settings.promotionWatchMinutes = input.promotionWatchMinutes;
  if (input.approval) settings.approval = input.approval;
  const problems = settingsProblems(settings);
  if (problems.length > 0) throw new Error(`invalid guardian settings: ${problems.join('; ')}`);
  return settings;
}

/** Every problem with a settings object, one readable line each (empty when valid). */
export function settingsProblems(settings: GuardianSettings): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(settings.timeZone))
    problems.push(`timeZone '${clipText(String(settings.timeZone))}' is not an IANA time zone`);
  for (const field of ['startHour', 'endHour'] as const) {
    const hour = settings.businessHours[field];
    if (!Number.isInteger(hour) || hour < 0 || hour > 23)
      problems.push(`businessHours.${field} must be 0-23, got ${hour}`);
  }
  if (typeof settings.businessHours.criticalOverride !== 'boolean') {
    problems.push('businessHours.criticalOverride must be true or false');
  }
  for (const field of ['start', 'end'] as const) {
    try {
      parseClockTime(settings.maintenanceWindow[field]);
    } catch (err) {
      problems.push(`maintenanceWindow.${field}: ${(err as Error).message}`);
    }
  }
  if (settings.maintenanceWindow.start === settings.maintenanceWindow.end) {
    problems.push('maintenanceWindow start and end are equal: the window would be empty');
  }
  if (typeof settings.dryRun !== 'boolean') problems.push('dryRun must be true or false');
  if (settings.hysteresis !== undefined) {
    if (typeof settings.hysteresis !== 'object' || settings.hysteresis === null)
      problems.push('hysteresis must be an object of event type → { detections, windowMinutes }');
    else problems.push(...hysteresisProblems(settings.hysteresis));
  }
  if (settings.evaluation !== undefined) problems.push(...evaluationProblems(settings.evaluation));
  if (settings.promotionWatchMinutes !== undefined)
    problems.push(...promotionWatchProblems(settings.promotionWatchMinutes));
  if (settings.approval !== undefined) problems.push(...approvalProblems(settings.approval));
  return problems;
}

/** The subset of the product configuration these settings come from (see src/config). */
export interface GuardianSettingsSource {
  runtime: { timeZone: string };
  guardian: {
    businessHoursStart: number;
    businessHoursEnd: number;
    criticalOverridesBusinessHours: boolean;
    maintenanceWindowStart: string;
    maintenanceWindowEnd: string;
    dryRun: boolean;
    hysteresis: HysteresisRules;
    /** Unset: no evaluation after a retrain. */
    evaluationMetric?: string;
    evaluationDirection: EvaluationSettings['direction'];
    evaluationMinImprovement: number;
    evaluationTolerance?: number;
    promotionMode: EvaluationSettings['promotion'];
    promotionWatchMinutes: number;
    /** Empty: nothing waits for approval. */
    approvalRequired: ApprovalSettings['required'];
    approvalTimeoutMinutes: number;
    approvalTimeoutOutcome: ApprovalSettings['timeoutOutcome'];
  };
}

/** Guardian settings from the loaded configuration: what the bridge puts in GuardianStartInput. */
export function guardianSettingsFromConfig(config: GuardianSettingsSource): GuardianSettings {
  return resolveGuardianSettings({
    timeZone: config.runtime.timeZone,
    businessHours: {
      startHour: config.guardian.businessHoursStart,
      endHour: config.guardian.businessHoursEnd,
      criticalOverride: config.guardian.criticalOverridesBusinessHours,
    },
    maintenanceWindow: {
      start: config.guardian.maintenanceWindowStart,
      end: config.guardian.maintenanceWindowEnd,
    },
    dryRun: config.guardian.dryRun,
    hysteresis: config.guardian.hysteresis,
    evaluation: config.guardian.evaluationMetric
      ? {
          metric: config.guardian.evaluationMetric,
          direction: config.guardian.evaluationDirection,
          minImprovement: config.guardian.evaluationMinImprovement,
          tolerance: config.guardian.evaluationTolerance,
          promotion: config.guardian.promotionMode,
          // The same wait as actions that need approval; only a promotion that waits reads it.
          ...(config.guardian.promotionMode === 'approval'
            ? {
                approval: {
                  timeoutMinutes: config.guardian.approvalTimeoutMinutes,
                  timeoutOutcome: config.guardian.approvalTimeoutOutcome,
                },
              }
            : {}),
        }
      : undefined,
    promotionWatchMinutes: config.guardian.promotionWatchMinutes,
    // Only when something needs approval: the settings of everyone else stay as they were.
    approval:
      config.guardian.approvalRequired.length > 0
        ? {
            required: config.guardian.approvalRequired,
            timeoutMinutes: config.guardian.approvalTimeoutMinutes,
            timeoutOutcome: config.guardian.approvalTimeoutOutcome,
          }
        : undefined,
  });
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
