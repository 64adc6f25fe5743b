import { defineQuery } from '@temporalio/workflow';
import { VIDEO_PROGRESS_QUERY } from '../../contracts/workflows';
import type { VideoAnalysisProgress } from './progress';

/** The job's progress: step n/5, counts, elapsed time, batch size. */
export const videoProgressQuery = defineQuery<VideoAnalysisProgress>(VIDEO_PROGRESS_QUERY);
