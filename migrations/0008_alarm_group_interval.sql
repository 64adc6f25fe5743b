-- group_interval (ALERT_GROUP_INTERVAL_SECONDS): a new group of a key waits at least this long
-- after the key's last group went out. The lookup: the newest sent group of a key.
CREATE INDEX alarms_group_sent ON alarms (group_key, batch_sent_at) WHERE group_key IS NOT NULL AND batch_sent_at IS NOT NULL;
