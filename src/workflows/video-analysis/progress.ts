/**
 * Progress of one video analysis job: what the `videoProgress` query returns and what the
 * Web UI shows as the workflow's current details. Plain state + workflow time (passed in).
 */

export const VIDEO_STEPS = [
  'load detection model',
  'extract frames',
  'detect persons',
  'save detections',
  'clean up',
] as const;
export const TOTAL_STEPS = VIDEO_STEPS.length;

export type VideoJobState = 'running' | 'completed' | 'failed' | 'cancelled' | 'duplicate';

export interface StepTiming {
  step: number;
  name: string;
  startedAt: string;
  finishedAt?: string;
  elapsedSeconds?: number;
}

export interface VideoAnalysisProgress {
  videoKey: string;
  status: VideoJobState;
  /** 0 before step 1 starts; stays on the last step reached when the job ends. */
  step: number;
  totalSteps: number;
  /** E.g. "step 3/5 detect persons". */
  label: string;
  startedAt: string;
  elapsedSeconds: number;
  stepElapsedSeconds: number;
  framesExtracted: number;
  framesDetected: number;
  detections: number;
  rowsSaved: number;
  /** Frames per detector request now (halved on GPU out-of-memory). */
  batchSize: number;
  oomHalvings: number;
  detectorSeconds: number;
  longRunningAlerted: boolean;
  model?: string;
  error?: string;
  steps: StepTiming[];
}

export type ProgressCounts = Partial<
  Pick<
    VideoAnalysisProgress,
    | 'framesExtracted'
    | 'framesDetected'
    | 'detections'
    | 'rowsSaved'
    | 'batchSize'
    | 'oomHalvings'
    | 'detectorSeconds'
    | 'longRunningAlerted'
    | 'model'
    | 'error'
  >
>;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** "1h 02m 03s", "2m 05s", "4.2s": elapsed time as the Web UI summary shows it. */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 60) return `${totalSeconds.toFixed(1)}s`;
  const s = Math.floor(totalSeconds % 60);
  const m = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

export class ProgressTracker {
  private state: VideoJobState = 'running';
  private step = 0;
  private stepStartedMs: number;
  private finishedMs?: number;
  private counts: Required<Omit<ProgressCounts, 'model' | 'error'>> & Pick<ProgressCounts, 'model' | 'error'>;
  private readonly steps: StepTiming[] = [];

  constructor(
    private readonly videoKey: string,
    private readonly startedMs: number,
    batchSize: number,
  ) {
    this.stepStartedMs = startedMs;
    this.counts = {
      framesExtracted: 0,
      framesDetected: 0,
      detections: 0,
      rowsSaved: 0,
      batchSize,
      oomHalvings: 0,
      detectorSeconds: 0,
      longRunningAlerted: false,
    };
  }

  get currentStep(): number {
    return this.step;
  }

  get label(): string {
    return this.step === 0
      ? `step 0/${TOTAL_STEPS} starting`
      : `step ${this.step}/${TOTAL_STEPS} ${VIDEO_STEPS[this.step - 1]}`;
  }

  /** Starting the step that is already running changes nothing (its start time stays). */
  startStep(step: number, nowMs: number): void {
    const open = this.steps[this.steps.length - 1];
    if (open && open.step === step && open.finishedAt === undefined) return;
    this.closeOpenStep(nowMs);
    this.step = step;
    this.stepStartedMs = nowMs;
    this.steps.push({ step, name: VIDEO_STEPS[step - 1], startedAt: new Date(nowMs).toISOString() });
  }

  finishStep(nowMs: number): void {
    this.closeOpenStep(nowMs);
  }

  update(counts: ProgressCounts): void {
    this.counts = { ...this.counts, ...counts };
  }

  end(state: Exclude<VideoJobState, 'running'>, nowMs: number): void {
    this.closeOpenStep(nowMs);
    this.state = state;
    this.finishedMs = nowMs;
  }

  snapshot(nowMs: number): VideoAnalysisProgress {
    const until = this.finishedMs ?? nowMs;
    return {
      videoKey: this.videoKey,
      status: this.state,
      step: this.step,
      totalSteps: TOTAL_STEPS,
      label: this.label,
      startedAt: new Date(this.startedMs).toISOString(),
      elapsedSeconds: seconds(until - this.startedMs),
      stepElapsedSeconds: seconds(until - this.stepStartedMs),
      ...this.counts,
      steps: this.steps.map((s) => ({ ...s })),
    };
  }

  /** One Markdown paragraph for the Web UI ("current details"). */
  summary(nowMs: number): string {
    const p = this.snapshot(nowMs);
    const parts = [
      `**${p.status === 'running' ? p.label : `${p.status} at ${p.label}`}**`,
      `elapsed ${formatDuration(p.elapsedSeconds)}`,
      `frames ${p.framesDetected}/${p.framesExtracted} detected`,
      `${p.detections} persons`,
      `${p.rowsSaved} rows saved`,
      `batch size ${p.batchSize}${p.oomHalvings > 0 ? ` (halved ${p.oomHalvings}× after GPU out-of-memory)` : ''}`,
    ];
    if (p.longRunningAlerted) parts.push('long-running alert raised');
    if (p.error) parts.push(`error: ${p.error}`);
    return parts.join(' · ');
  }

  private closeOpenStep(nowMs: number): void {
    const open = this.steps[this.steps.length - 1];
    if (open && open.finishedAt === undefined) {
      open.finishedAt = new Date(nowMs).toISOString();
      open.elapsedSeconds = seconds(nowMs - this.stepStartedMs);
    }
  }
}
