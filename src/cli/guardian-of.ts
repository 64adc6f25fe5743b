import { parseGuardianConfig } from '../config/guardian';
import {
  GUARDIAN_SHARD_MODEL_STATE_QUERY,
  GUARDIAN_SHARD_OPERATOR_UPDATE,
  guardianWorkflowIdFor,
  MAX_GUARDIAN_SHARDS,
} from '../contracts/guardian-shards';
import { GUARDIAN_OPERATOR_UPDATE, GUARDIAN_STATE_QUERY } from '../contracts/workflows';

const USAGE = 'usage: mlops-guardian guardian-of MODEL [--shards N]   (N: GUARDIAN_SHARDS unless given)\n';

/**
 * `mlops-guardian guardian-of MODEL`: the workflow that guards a model (its own guardian, or
 * its shard with GUARDIAN_SHARDS) and how to ask it about the model with the `temporal` CLI.
 */
export async function run(args: string[]): Promise<number> {
  const [model, flag, value, ...rest] = args;
  if (!model || model.startsWith('-') || rest.length > 0 || (flag !== undefined && flag !== '--shards')) {
    process.stderr.write(USAGE);
    return 2;
  }
  let shards: number;
  if (flag === '--shards') {
    shards = Number(value);
    if (!Number.isInteger(shards) || shards < 0 || shards > MAX_GUARDIAN_SHARDS) {
      process.stderr.write(
        `--shards must be a whole number from 0 to ${MAX_GUARDIAN_SHARDS}, got '${value ?? ''}'\n`,
      );
      return 2;
    }
  } else {
    const parsed = parseGuardianConfig(process.env);
    const problem = parsed.errors.find((e) => e.startsWith('GUARDIAN_SHARDS'));
    if (problem) {
      process.stderr.write(`${problem}\n`);
      return 2;
    }
    shards = parsed.values.shards;
  }
  const workflowId = guardianWorkflowIdFor(model, shards);
  const quoted = JSON.stringify(model);
  const lines =
    shards > 0
      ? [
          workflowId,
          `  state:    temporal workflow query --workflow-id ${workflowId} --name ${GUARDIAN_SHARD_MODEL_STATE_QUERY} --input '${quoted}'`,
          `  operator: temporal workflow update execute --workflow-id ${workflowId} --name ${GUARDIAN_SHARD_OPERATOR_UPDATE} --input '{"modelName": ${quoted}, "command": {…}}'`,
        ]
      : [
          workflowId,
          `  state:    temporal workflow query --workflow-id ${workflowId} --name ${GUARDIAN_STATE_QUERY}`,
          `  operator: temporal workflow update execute --workflow-id ${workflowId} --name ${GUARDIAN_OPERATOR_UPDATE} --input '{…}'`,
        ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
