// Video analysis: one workflow run per uploaded video (see workflow.ts).
export { videoAnalysisWorkflow, VIDEO_ANALYSIS_FAILED } from './workflow';
export { videoProgressQuery } from './definitions';
export type { VideoAnalysisResult } from './workflow';
export type { VideoAnalysisProgress } from './progress';
export { GPU_OUT_OF_MEMORY_AT_ONE_FRAME } from './detect-in-batches';
export { VIDEO_SAVE_FAILED } from './save-in-chunks';
