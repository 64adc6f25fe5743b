// The model guardian: its workflow and the messages it understands.
export { modelGuardianWorkflow } from './model-guardian-workflow';
export * from './definitions';
export type * from './types';
