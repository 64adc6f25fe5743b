-- Every auto-response decision, executed or skipped, with its reason. One row per
-- (model, event): a redelivered event or a retried activity never adds a second row.
CREATE TABLE guardian_decisions (
  id            bigserial PRIMARY KEY,
  model_name    text        NOT NULL,
  event_id      text        NOT NULL,
  event_type    text        NOT NULL,
  severity      text        NOT NULL,
  action        text        NOT NULL,
  executed      boolean     NOT NULL,
  reason        text        NOT NULL,
  decided_at    timestamptz NOT NULL,
  details       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_name, event_id)
);
CREATE INDEX guardian_decisions_model_time ON guardian_decisions (model_name, decided_at DESC);
