import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { LAST_ACTION, LAST_SEVERITY } from '../../contracts/search-attributes';

/**
 * What a model's guardian shows about itself through the workflow that hosts it. A guardian
 * workflow of its own shows it on the run (Web UI current details, search attributes); a shard
 * that hosts many models keeps one line for the whole shard and answers per model by query.
 */
export interface GuardianHost {
  /** The one-line status of the model (the Web UI's "current details" of a guardian's own run), made only if shown. */
  showDetails(text: () => string): void;
  /** The newest executed action and its severity changed. */
  showLastAction(action: string, severity: string): void;
}

/** The host of a guardian with a workflow of its own (`model-guardian:<model>`). */
export const ownWorkflowHost: GuardianHost = {
  showDetails: (text) => setCurrentDetails(text()),
  showLastAction: (action, severity) =>
    upsertSearchAttributes([
      { key: LAST_ACTION, value: action },
      { key: LAST_SEVERITY, value: severity },
    ]),
};
