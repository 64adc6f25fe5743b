-- Persons detected in uploaded videos. One row per (video, frame, detection): a retried save,
-- a resumed job or a re-run after a failure never adds a second row for the same detection.
CREATE TABLE video_detections (
  id                bigserial PRIMARY KEY,
  video_key         text        NOT NULL,
  frame_number      integer     NOT NULL CHECK (frame_number >= 1),
  detection_index   integer     NOT NULL CHECK (detection_index >= 0),
  frame_time_sec    real        NOT NULL,
  label             text        NOT NULL,
  confidence        real        NOT NULL,
  box_x             real        NOT NULL,
  box_y             real        NOT NULL,
  box_width         real        NOT NULL,
  box_height        real        NOT NULL,
  -- The workflow run that wrote the row; a deliberate re-analysis replaces older runs' rows.
  run_id            text        NOT NULL,
  saved_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (video_key, frame_number, detection_index)
);

-- One row per analysis job (workflow run): the durable duplicate guard (a video whose job
-- finished is not analysed again without `reanalyze`, even after Temporal forgot the run) and
-- the source of the job failure-rate metric.
CREATE TABLE video_analysis_jobs (
  run_id        text        PRIMARY KEY,
  workflow_id   text        NOT NULL,
  video_key     text        NOT NULL,
  event_id      text        NOT NULL,
  reanalyze     boolean     NOT NULL DEFAULT false,
  status        text        NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'duplicate')),
  frames        integer,
  detections    integer,
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX video_analysis_jobs_video ON video_analysis_jobs (video_key, status);
CREATE INDEX video_analysis_jobs_finished ON video_analysis_jobs (finished_at) WHERE finished_at IS NOT NULL;
