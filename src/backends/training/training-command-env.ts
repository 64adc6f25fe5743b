/**
 * Variables every training command gets from the worker's environment when set: what a shell,
 * an interpreter and temporary files need, and nothing that could hold a credential.
 */
export const BASE_TRAINING_ENV_NAMES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
];

// Locale categories (LC_ALL, LC_CTYPE, …) vary by system; all of them are harmless.
const LOCALE_VARIABLE = /^LC_[A-Z]+$/;

/**
 * The training command's whole environment: the allow-listed variables of `parent` (the base
 * list plus the operator's TRAINING_COMMAND_ENV names), then the job's own variables, which
 * always win. The worker's environment holds database, Kafka, Temporal, MLflow and webhook
 * credentials; a command the operator wrote, and everything it runs, should not inherit them.
 */
export function trainingCommandEnv(
  parent: NodeJS.ProcessEnv,
  extraNames: readonly string[],
  jobVariables: Record<string, string>,
): NodeJS.ProcessEnv {
  const allowed = new Set([...BASE_TRAINING_ENV_NAMES, ...extraNames]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (allowed.has(name) || LOCALE_VARIABLE.test(name))) env[name] = value;
  }
  return { ...env, ...jobVariables };
}
