import { createAlertChannels } from '../../backends/alerts';
import { createMetricsSource } from '../../backends/evaluation';
import { createMonitoringBackend } from '../../backends/monitoring';
import { createModelRegistry } from '../../backends/registry';
import { createScalingBackend } from '../../backends/scaling';
import { createTrainingBackend } from '../../backends/training';
import { configuredSecretValues } from '../../config';
import { createSecretScrubber } from '../../redaction/secret-scrubber';
import { alertSenderOf } from '../alerting';
import type { ActivityDeps } from '../deps';
import { createMeasureCandidate } from './measure-candidate';
import { createPromoteModel } from './promote-model';
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
  const alertSender = alertSenderOf(deps);
  const registry = createModelRegistry(config.guardian, pool);
  return {
    recordDecision: createRecordDecision(deps),
    recordDecisions: createRecordDecisions(deps),
    recallDecisions: createRecallDecisions(deps),
    runTrainingJob: createRunTrainingJob(deps, createTrainingBackend(config.guardian, logger, scrubber)),
    rollbackModel: createRollbackModel(deps, registry),
    measureCandidate: createMeasureCandidate(deps, registry, createMetricsSource(config.guardian, pool)),
    promoteModel: createPromoteModel(deps, registry),
    scaleService: createScaleService(deps, createScalingBackend(config.guardian, pool)),
    sendAlert: createSendAlert(deps, alertChannels, alertSender),
    sendAlerts: createSendAlerts(createAlertDelivery(deps, alertChannels, alertSender)),
    raiseMonitoring: createRaiseMonitoring(deps, createMonitoringBackend(config.guardian, pool)),
  };
}
