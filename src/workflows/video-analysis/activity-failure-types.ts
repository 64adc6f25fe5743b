/**
 * The activity failure types the workflow branches on. Declared again here (workflow code
 * imports only types from activities); `typeof` keeps each literal equal to the activities' own.
 */
import type {
  DATABASE_ERROR as DatabaseError,
  GPU_OUT_OF_MEMORY as GpuOutOfMemory,
  INVALID_VIDEO_REFERENCE as InvalidVideoReference,
  VIDEO_NOT_FOUND as VideoNotFound,
  VIDEO_UNREADABLE as VideoUnreadable,
} from '../../activities/video/types';

export const GPU_OUT_OF_MEMORY: typeof GpuOutOfMemory = 'GpuOutOfMemory';
export const VIDEO_UNREADABLE: typeof VideoUnreadable = 'VideoUnreadable';
export const VIDEO_NOT_FOUND: typeof VideoNotFound = 'VideoNotFound';
export const INVALID_VIDEO_REFERENCE: typeof InvalidVideoReference = 'InvalidVideoReference';
export const DATABASE_ERROR: typeof DatabaseError = 'DatabaseError';
