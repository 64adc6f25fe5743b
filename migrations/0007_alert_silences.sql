-- Silences (README "Silences, inhibition, grouping"): alarms matching every named matcher are
-- recorded but not sent between starts_at and ends_at. A silence ends by itself: it is read at
-- send time, so no timer has to remember to lift it. Expiring one early sets ends_at to now.
CREATE TABLE alert_silences (
  silence_id  text        PRIMARY KEY,
  model       text,
  event_type  text,
  action      text,
  priority    text        CHECK (priority IN ('critical', 'high', 'medium', 'low')),
  source      text,
  creator     text        NOT NULL,
  comment     text        NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Set when someone ended the silence before its time.
  expired_at  timestamptz,
  CHECK (num_nonnulls(model, event_type, action, priority, source) > 0),
  CHECK (ends_at > starts_at)
);
CREATE INDEX alert_silences_active ON alert_silences (ends_at);

-- An alarm held back is still recorded, never lost: `suppressed` says why (a silence, or a firing
-- critical alarm for the same model that inhibits it) and `suppressed_by` names the silence id or
-- the inhibiting alarm's id. It is never sent, so a held-back warning is not claimed by a batch.
ALTER TABLE alarms
  ADD COLUMN suppressed    text CHECK (suppressed IN ('silenced', 'inhibited')),
  ADD COLUMN suppressed_by text;
-- The inhibition lookup: recent critical alarms of a subject.
CREATE INDEX alarms_critical_subject ON alarms (subject, raised_at) WHERE priority = 'critical';

-- Grouping (ALERT_GROUP_WAIT_SECONDS): a critical alarm waits in its group (model + event type)
-- until group_due_at, then the whole group goes out as one message, claimed like a warning batch.
ALTER TABLE alarms
  ADD COLUMN group_key    text,
  ADD COLUMN group_due_at timestamptz;
CREATE INDEX alarms_waiting_groups ON alarms (group_due_at) WHERE group_due_at IS NOT NULL AND batch_sent_at IS NULL;
