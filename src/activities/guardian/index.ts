import { createAlertChannels } from '../../backends/alerts';
import { createMonitoringBackend } from '../../backends/monitoring';
import { createModelRegistry } from '../../backends/registry';
import { createScalingBackend } from '../../backends/scaling';
import { createTrainingBackend } from '../../backends/training';
import { configuredSecretValues } from '../../config';
import { createSecretScrubber } from '../../redaction/secret-scrubber';
import type { ActivityDeps } from '../deps';
import { createRaiseMonitoring } from './raise-monitoring';
import { createRecallDecisions } from './recall-decisions';
import { createRecordDecision } from './record-decision';
import { createRecordDecisions } from './record-decisions';
import { createRollbackModel } from './rollback-model';
import { createRunTrainingJob } from './run-training-job';
import { createScaleService } from './scale-service';
import { createAlertDelivery, createSendAlert } from './send-alert';
import { createSendAlerts } from './send-alerts';
import type { GuardianActivities } from '../../contracts/guardian-activities';

/** The guardian's activities, each on the backend the settings choose (see README "Backends"). */
export function createGuardianActivities(deps: ActivityDeps): GuardianActivities {
  const { config, pool, publisher, logger } = deps;
  const scrubber = createSecretScrubber(configuredSecretValues(config));
  const alertChannels = createAlertChannels(config, publisher);
  return {
    recordDecision: createRecordDecision(deps),
    recordDecisions: createRecordDecisions(deps),
    recallDecisions: createRecallDecisions(deps),
    runTrainingJob: createRunTrainingJob(deps, createTrainingBackend(config.guardian, logger, scrubber)),
    rollbackModel: createRollbackModel(deps, createModelRegistry(config.guardian, pool)),
    scaleService: createScaleService(deps, createScalingBackend(config.guardian, pool)),
    sendAlert: createSendAlert(deps, alertChannels),
    sendAlerts: createSendAlerts(createAlertDelivery(deps, alertChannels)),
    raiseMonitoring: createRaiseMonitoring(deps, createMonitoringBackend(config.guardian, pool)),
  };
}
