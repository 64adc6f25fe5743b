-- The built-in backends of auto-response (the local defaults when no MLflow, training
-- or scaling service is configured) and the bookkeeping that makes retried actions safe.

-- Every action the guardian ran, keyed by what triggered it: a retried activity finds its
-- earlier plan (e.g. "roll back 7 -> 6") and finishes that plan instead of acting twice.
CREATE TABLE guardian_action_ledger (
  action        text        NOT NULL,
  model_name    text        NOT NULL,
  action_key    text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('pending', 'done')),
  plan          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  result        jsonb,
  started_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  PRIMARY KEY (action, model_name, action_key)
);
CREATE INDEX guardian_action_ledger_model_time ON guardian_action_ledger (model_name, started_at DESC);

-- Built-in model registry: every registered version of a model; `stable` marks the
-- versions a rollback may return to. `seq` orders versions by registration.
CREATE TABLE model_versions (
  model_name     text        NOT NULL,
  version        text        NOT NULL,
  seq            bigserial   NOT NULL UNIQUE,
  stable         boolean     NOT NULL DEFAULT false,
  description    text        NOT NULL DEFAULT '',
  registered_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, version)
);

-- The version each model serves now (one row per model).
CREATE TABLE model_serving (
  model_name           text        PRIMARY KEY,
  version              text        NOT NULL,
  reason               text        NOT NULL DEFAULT '',
  triggering_event_id  text,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);

-- Built-in scaling backend: instance count per serving service, never below one.
CREATE TABLE service_instances (
  service_name         text        PRIMARY KEY,
  instances            integer     NOT NULL CHECK (instances >= 1),
  reason               text        NOT NULL DEFAULT '',
  triggering_event_id  text,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Training jobs started for a model, whichever backend ran them: a retried activity
-- re-attaches to its job instead of starting a second one. Job ids are only unique within
-- one training service, hence the composite key.
CREATE TABLE guardian_training_jobs (
  id                   bigserial   PRIMARY KEY,
  job_id               text        NOT NULL,
  model_name           text        NOT NULL,
  triggering_event_id  text        NOT NULL,
  backend              text        NOT NULL,
  status               text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  reason               text        NOT NULL,
  priority             text        NOT NULL,
  detail               text,
  new_version          text,
  started_at           timestamptz NOT NULL DEFAULT now(),
  finished_at          timestamptz,
  UNIQUE (model_name, triggering_event_id, backend, job_id)
);
CREATE INDEX guardian_training_jobs_trigger ON guardian_training_jobs (model_name, triggering_event_id, started_at DESC);

-- Raised monitoring frequency for a model (MONITOR action): check every interval_seconds
-- until `until`. The latest-ending active row wins.
CREATE TABLE model_monitoring_overrides (
  id                   bigserial   PRIMARY KEY,
  model_name           text        NOT NULL,
  interval_seconds     integer     NOT NULL CHECK (interval_seconds > 0),
  starts_at            timestamptz NOT NULL,
  until                timestamptz NOT NULL,
  reason               text        NOT NULL,
  triggering_event_id  text        NOT NULL,
  UNIQUE (model_name, triggering_event_id)
);
CREATE INDEX model_monitoring_overrides_active ON model_monitoring_overrides (model_name, until DESC);
