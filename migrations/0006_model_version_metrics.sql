-- Built-in metrics of model versions (EVALUATION_METRICS_SOURCE=builtin): the local stand-in
-- for MLflow run metrics. A training job, a notebook or a person writes one row per version
-- and metric; a retrain's candidate is judged against the serving version on these numbers.
CREATE TABLE model_version_metrics (
  model_name   text             NOT NULL,
  version      text             NOT NULL,
  metric       text             NOT NULL,
  value        double precision NOT NULL,
  recorded_at  timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, version, metric)
);
