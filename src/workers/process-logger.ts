import { type Config, configuredSecretValues } from '../config';
import { logFileSettingsOf, openLogFiles } from '../logging/log-files';
import { createLogger, type Logger } from '../logger';
import { createSecretScrubber } from '../redaction/secret-scrubber';

/**
 * A process's root logger from its configuration: level, pretty output, configured secrets
 * scrubbed, and with LOG_FILE_DIR the rotating files named after the process (`mlops-guardian`,
 * `mlops-guardian-bridge`). Throws LogFileError when that directory cannot be written.
 */
export function createProcessLogger(config: Config, logFileName: string): Logger {
  const fileSettings = logFileSettingsOf(config.runtime, logFileName);
  const files = fileSettings ? openLogFiles(fileSettings) : undefined;
  const logger = createLogger({
    level: config.runtime.logLevel,
    pretty: config.runtime.logPretty,
    scrubber: createSecretScrubber(configuredSecretValues(config)),
    ...(files ? { files } : {}),
  });
  if (files)
    logger.info({ file: files.all.path, errors: files.errors.path }, 'logs are written to files too');
  return logger;
}
