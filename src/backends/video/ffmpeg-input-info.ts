import type { VideoInfo } from './ffmpeg';

/**
 * The stream facts ffmpeg prints about its input at log level `info` (the "Input #0" block):
 *
 *   Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
 *     Duration: 00:00:10.00, start: 0.000000, bitrate: 315 kb/s
 *     Stream #0:0[0x1](und): Video: mpeg4 (Simple Profile) (mp4v / 0x7634706D), yuv420p, 320x240 [SAR 1:1 DAR 4:3], …
 *
 * Reading them from the one ffmpeg run saves starting ffprobe as a second process per job (on a
 * busy 2-core host, a process start of ffmpeg's 200 shared libraries costs more than decoding a
 * short clip). Undefined when the block is not there or has no video stream with a size: the
 * caller then asks ffprobe.
 */
export function parseInputInfo(stderr: string): VideoInfo | undefined {
  const start = stderr.search(/^Input #0,/m);
  if (start < 0) return undefined;
  // The input's block ends where ffmpeg starts describing the output.
  const rest = stderr.slice(start);
  const end = rest.search(/^(Stream mapping:|Output #0,)/m);
  const block = end < 0 ? rest : rest.slice(0, end);

  const stream = /^\s*Stream #0:\d+\S*: Video: (\w+).*?, (\d{1,5})x(\d{1,5})\b/m.exec(block);
  if (!stream) return undefined;
  const width = Number(stream[2]);
  const height = Number(stream[3]);
  if (!(width > 0 && height > 0)) return undefined;

  // "Duration: N/A" (a live stream, some raw formats) reads as 0, as ffprobe's missing duration does.
  const duration = /^\s*Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/m.exec(block);
  const durationSeconds = duration
    ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
    : 0;
  return { durationSeconds, width, height, codec: stream[1] };
}
