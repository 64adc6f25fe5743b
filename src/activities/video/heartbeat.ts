import type { Context } from '@temporalio/activity';

/**
 * Heartbeats on a timer while a long call (an HTTP request, ffmpeg) is in flight: the server
 * notices a dead worker within the heartbeat timeout, and cancellation reaches this activity.
 * Returns a function that stops the timer and lets callers update the details.
 */
export function keepHeartbeating(ctx: Context, details: () => unknown): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs ?? 30_000;
  const everyMs = Math.max(500, Math.min(5_000, Math.floor(timeoutMs / 3)));
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
