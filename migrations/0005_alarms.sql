-- Every alarm that went to people, or waits for the next warning batch, or is information for
-- the daily report (src/backends/alerts/alarm-store.ts). Keyed by the alarm id, so a retried
-- send of the same alarm is one row.
CREATE TABLE alarms (
  alarm_id        text        PRIMARY KEY,
  source          text        NOT NULL,
  subject         text        NOT NULL,
  kind            text,
  priority        text        NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
  route           text        NOT NULL CHECK (route IN ('now', 'batch', 'summary')),
  title           text        NOT NULL,
  message         text        NOT NULL,
  details         jsonb       NOT NULL DEFAULT '{}',
  raised_at       timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- A warning belongs to the batch that claimed it; sent_at is set once that batch went out, so
  -- a batch whose sender died is claimed again later instead of being lost.
  batch_id        text,
  batch_claimed_at timestamptz,
  batch_sent_at   timestamptz
);
CREATE INDEX alarms_waiting ON alarms (raised_at) WHERE route = 'batch' AND batch_sent_at IS NULL;
CREATE INDEX alarms_raised ON alarms (raised_at);

-- One row per message (an alarm sent at once, or a batch) and channel: what arrived, what was
-- given up on and why. A retried send skips the channels already marked delivered.
CREATE TABLE alarm_deliveries (
  delivery_id   text        NOT NULL,
  channel       text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('delivered', 'undelivered')),
  attempts      integer     NOT NULL,
  alarm_count   integer     NOT NULL,
  error         text,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (delivery_id, channel)
);
