// The model guardian: its workflow and the messages it understands.
export { modelGuardianWorkflow } from './model-guardian-workflow';
export { modelRetrainWorkflow, actionFinishedSignal } from './retrain-workflow';
export * from './definitions';
export type * from './types';
