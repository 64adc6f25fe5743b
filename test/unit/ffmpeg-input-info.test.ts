import { parseInputInfo } from '../../src/backends/video/ffmpeg-input-info';

// What ffmpeg 5.1 wrote at `-loglevel info` while extracting frames from the benchmark's video.
const MP4_LOG = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'bench.mp4':
  Metadata:
    major_brand     : isom
    encoder         : Lavf59.27.100
  Duration: 00:00:10.00, start: 0.000000, bitrate: 315 kb/s
  Stream #0:0[0x1](und): Video: mpeg4 (Simple Profile) (mp4v / 0x7634706D), yuv420p, 320x240 [SAR 1:1 DAR 4:3], 313 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
    Metadata:
      handler_name    : VideoHandler
Stream mapping:
  Stream #0:0 -> #0:0 (mpeg4 (native) -> mjpeg (native))
Output #0, image2, to 'frames/frame_%06d.jpg':
  Stream #0:0(und): Video: mjpeg, yuvj420p(pc, progressive), 160x120 [SAR 1:1 DAR 4:3], q=2-31, 200 kb/s, 2 fps, 2 tbn (default)
video:153kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
`;

describe("ffmpeg's input facts", () => {
  it("reads the input's duration, size and codec, not the output's", () => {
    expect(parseInputInfo(MP4_LOG)).toEqual({
      durationSeconds: 10,
      width: 320,
      height: 240,
      codec: 'mpeg4',
    });
  });

  it('takes the video stream when audio comes first, and hours in the duration', () => {
    const log = `Input #0, matroska,webm, from 'talk.mkv':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 2000 kb/s
  Stream #0:0(eng): Audio: aac (LC), 48000 Hz, stereo, fltp (default)
  Stream #0:1: Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 25 fps
Output #0, image2, to 'frame_%06d.jpg':
`;
    expect(parseInputInfo(log)).toEqual({
      durationSeconds: 3723.5,
      width: 1920,
      height: 1080,
      codec: 'h264',
    });
  });

  it('gives duration 0 when ffmpeg does not know it', () => {
    const log = `Input #0, h264, from 'raw.h264':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360, 25 fps, 25 tbr, 1200k tbn
Stream mapping:
`;
    expect(parseInputInfo(log)).toMatchObject({ durationSeconds: 0, width: 640, height: 360 });
  });

  it('gives nothing (ffprobe is asked instead) without an input block or a sized video stream', () => {
    expect(parseInputInfo('')).toBeUndefined();
    expect(parseInputInfo('bench.mp4: Invalid data found when processing input\n')).toBeUndefined();
    const audioOnly = `Input #0, wav, from 'sound.wav':
  Duration: 00:00:05.00, bitrate: 1411 kb/s
  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, 2 channels, s16, 1411 kb/s
Output #0, image2, to 'frame_%06d.jpg':
  Stream #0:0: Video: mjpeg, yuvj420p(pc), 320x240, q=2-31
`;
    expect(parseInputInfo(audioOnly)).toBeUndefined();
  });
});
