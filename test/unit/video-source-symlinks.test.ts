import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_VIDEO_REFERENCE } from '../../src/contracts/video-activities';
import { realVideoPathInside, resolveVideoPath } from '../../src/activities/video/video-source';

/** A source directory with real files and links, and a secret file outside it. */
function layout() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'video-source-'));
  const source = path.join(base, 'videos');
  fs.mkdirSync(path.join(source, 'bucket'), { recursive: true });
  fs.writeFileSync(path.join(source, 'bucket', 'clip.mp4'), 'video');
  const outside = path.join(base, 'secret.key');
  fs.writeFileSync(outside, 'not a video');
  fs.mkdirSync(path.join(base, 'elsewhere'));
  fs.writeFileSync(path.join(base, 'elsewhere', 'clip.mp4'), 'video');
  return { base, source, outside };
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure))
    throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

describe('video files behind symbolic links', () => {
  let dirs: ReturnType<typeof layout>;
  beforeEach(() => (dirs = layout()));
  afterEach(() => fs.rmSync(dirs.base, { recursive: true, force: true }));

  it('refuses a link to a file outside the source directory, for good and by its type', async () => {
    fs.symlinkSync(dirs.outside, path.join(dirs.source, 'bucket', 'evil.mp4'));
    const named = resolveVideoPath(dirs.source, { bucket: 'bucket', objectKey: 'evil.mp4' });
    const err = await refusal(realVideoPathInside(dirs.source, named));
    expect(err.type).toBe(INVALID_VIDEO_REFERENCE);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain(
      `resolves to ${fs.realpathSync(dirs.outside)}, outside the video source directory`,
    );
  });

  it('refuses a linked directory that leads outside', async () => {
    fs.symlinkSync(path.join(dirs.base, 'elsewhere'), path.join(dirs.source, 'linked'));
    const named = resolveVideoPath(dirs.source, { bucket: 'linked', objectKey: 'clip.mp4' });
    const err = await refusal(realVideoPathInside(dirs.source, named));
    expect(err.type).toBe(INVALID_VIDEO_REFERENCE);
  });

  it('follows links that stay inside, and a source directory that is itself a link', async () => {
    fs.symlinkSync('bucket/clip.mp4', path.join(dirs.source, 'alias.mp4'));
    const real = fs.realpathSync(path.join(dirs.source, 'bucket', 'clip.mp4'));
    expect(await realVideoPathInside(dirs.source, path.join(dirs.source, 'alias.mp4'))).toBe(real);
    const mounted = path.join(dirs.base, 'mounted');
    fs.symlinkSync(dirs.source, mounted);
    expect(await realVideoPathInside(mounted, path.join(mounted, 'bucket', 'clip.mp4'))).toBe(real);
  });

  it('still refuses `..` before any file is looked at', () => {
    expect(() => resolveVideoPath(dirs.source, { objectKey: '../secret.key' })).toThrow(
      /outside the video source/,
    );
  });
});
