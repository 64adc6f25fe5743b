import { z } from 'zod';
import { modelNamePattern } from '../domain/ingest/model-name-rule';
import type { IngestSettings } from '../domain/ingest/read-event';
import { ianaTimeZone, parseSettings, setting, SettingsValues } from './setting';

/** `com.acme.drift=data_drift_detected,com.acme.lag=prediction_latency_high` → a map. */
const cloudEventTypeMap = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => pair.split('=').map((part) => part.trim())),
  )
  .pipe(z.array(z.tuple([z.string().min(1), z.string().regex(/^[a-z][a-z0-9_]*$/)])))
  .transform((pairs) => Object.fromEntries(pairs) as Record<string, string>);

/** How events that producers write more loosely than our schema are read (README "Events as producers write them"). */
export const ingestSettings = {
  producerTimeZone: setting({
    env: 'PRODUCER_TIME_ZONE',
    schema: ianaTimeZone.optional(),
    description:
      'Zone of event timestamps written without an offset (Python `datetime.now().isoformat()`); a wall time in a DST gap or overlap is read as Python zoneinfo reads it (fold=0). Unset: TIME_ZONE.',
    expects: 'an IANA time zone, e.g. UTC or Asia/Seoul',
  }),
  cloudEventTypeMap: setting({
    env: 'CLOUDEVENTS_TYPE_MAP',
    schema: cloudEventTypeMap.optional(),
    description:
      'CloudEvents `type` → our event type, for types whose name does not end with one of ours (`com.acme.DataDriftDetected` already reads as data_drift_detected).',
    expects: 'comma-separated type=event_type pairs, e.g. com.acme.drift=data_drift_detected',
  }),

  modelNames: setting({
    env: 'GUARDIAN_MODELS',
    schema: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .optional(),
    description:
      'Model (or service) names that may have a guardian; events for any other are dead-lettered as model_not_allowed (HTTP 403). With GUARDIAN_MODEL_PATTERN, a name in either is allowed. Unset (both): names of the default pattern (letters of any script, digits, emoji and _ . : @ / + -, no spaces; see "Which models get a guardian").',
    expects: 'a comma-separated list of names, e.g. fraud-detector,churn-model',
  }),
  modelNamePattern: setting({
    env: 'GUARDIAN_MODEL_PATTERN',
    schema: z
      .string()
      .min(1)
      .refine((pattern) => compiles(pattern), 'not a valid regular expression')
      .optional(),
    description:
      'A regular expression (Unicode) the whole model or service name must match to have a guardian; others are dead-lettered as model_not_allowed (HTTP 403).',
    expects: 'a regular expression, e.g. [a-z][a-z0-9-]{1,62}',
  }),
};

function compiles(pattern: string): boolean {
  try {
    modelNamePattern(pattern);
    return true;
  } catch {
    return false;
  }
}

export type IngestConfig = SettingsValues<typeof ingestSettings>;

export function parseIngestConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(ingestSettings, env);
}

/** The reader's settings: naive timestamps default to the policy's own zone. */
export function ingestSettingsFromConfig(config: {
  ingest: IngestConfig;
  runtime: { timeZone: string };
}): IngestSettings {
  return {
    producerTimeZone: config.ingest.producerTimeZone ?? config.runtime.timeZone,
    cloudEventTypes: config.ingest.cloudEventTypeMap ?? {},
    modelNames: { allowed: config.ingest.modelNames, pattern: config.ingest.modelNamePattern },
  };
}
