import { ApplicationFailure } from '@temporalio/common';
import type { GuardianConfig } from '../../config/guardian';
import type { Logger } from '../../logger';
import type { SecretScrubber } from '../../redaction/secret-scrubber';
import { BACKEND_NOT_CONFIGURED_FAILURE } from '../../contracts/backend-failures';
import { createHttpTrainingService } from './http-training-service';
import { createLocalCommandRunner } from './local-command-runner';
import type { TrainingBackend } from './training-backend';

export type { TrainingBackend, TrainingJobOutcome, TrainingJobSpec } from './training-backend';

/**
 * The training backend the settings choose: the HTTP service when TRAINING_SERVICE_URL is set,
 * else the local command when TRAINING_COMMAND is set. With neither, every training attempt
 * fails non-retryably with a message naming both variables. The local command's output is
 * scrubbed of the configuration's secrets before it is logged or reported.
 */
export function createTrainingBackend(
  config: GuardianConfig,
  logger: Logger,
  scrubber: SecretScrubber,
): () => TrainingBackend {
  const log = logger.child({ component: 'training' });
  let backend: TrainingBackend | undefined;
  if (config.trainingServiceUrl) {
    backend = createHttpTrainingService({
      baseUrl: config.trainingServiceUrl,
      pollIntervalMs: config.trainingPollIntervalSeconds * 1000,
      timeoutMs: config.backendRequestTimeoutSeconds * 1000,
      logger: log,
    });
  } else if (config.trainingCommand) {
    backend = createLocalCommandRunner({
      command: config.trainingCommand,
      passEnv: config.trainingCommandEnv,
      logger: log,
      scrubber,
    });
  }
  return () => {
    if (backend) return backend;
    throw ApplicationFailure.nonRetryable(
      'No training backend is configured: set TRAINING_SERVICE_URL (an HTTP training service) or ' +
        'TRAINING_COMMAND (a command run locally per job) for RETRAIN to run.',
      BACKEND_NOT_CONFIGURED_FAILURE,
    );
  };
}
