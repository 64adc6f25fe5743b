// The model guardian: its workflow and the messages it understands.
export { modelGuardianWorkflow } from './workflow';
export { modelRetrainWorkflow } from './retrain-workflow';
export * from './definitions';
export type * from '../../contracts/guardian-messages';
export * from './approval-definitions';
export { guardianShardWorkflow } from './shard-workflow';
export * from './shard-definitions';
