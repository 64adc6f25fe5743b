-- Scales of one service by any model, newest first: the per-service SCALE_UP/SCALE_DOWN cooldown
-- looks up the latest one (src/backends/scaling/service-cooldown.ts).
CREATE INDEX guardian_action_ledger_scaled_service
  ON guardian_action_ledger ((plan->>'serviceName'), started_at DESC)
  WHERE action = 'scale';
