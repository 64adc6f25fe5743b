import { loadConfig } from '../../../src/config';
import { ingestSettingsFromConfig } from '../../../src/config/ingest';
import { readEvent } from '../../../src/domain/ingest/read-event';
import { incoming, ingestSettings } from '../../helpers/ingest';

/** GUARDIAN_MODELS / GUARDIAN_MODEL_PATTERN: which names may have a guardian at all. */

const drift = (model: string) => ({
  event_id: `e-${model}`,
  event_type: 'data_drift_detected',
  timestamp: '2026-03-02T10:00:00Z',
  model_name: model,
  drift_score: 0.4,
  affected_features: ['amount'],
});
const overload = (service: string) => ({
  event_id: `e-${service}`,
  event_type: 'system_overload',
  timestamp: '2026-03-02T10:00:00Z',
  service_name: service,
});

function read(body: unknown, env: Record<string, string>) {
  const settings = ingestSettingsFromConfig(loadConfig(env));
  return readEvent(incoming(body), settings);
}

describe('which names may have a guardian', () => {
  it('accepts the names of the default pattern without a rule: any script, digits, emoji and _ . : @ / + -', () => {
    for (const name of [
      'fraud-detector',
      'fraud_model.v2',
      'team/churn@prod',
      '10.0.0.1:9100',
      '사기탐지',
      'モデル🚀',
      'Ελληνικά',
      'café',
      '👩‍💻-model',
      '🇰🇷-fraud',
      '👍🏽-votes',
    ]) {
      expect(readEvent(incoming(drift(name)), ingestSettings())).toMatchObject({ ok: true });
    }
  });

  it('refuses, without a rule, names with spaces or characters that other tools read specially', () => {
    for (const name of ['a b', '-leading', 'x<y>', 'a;b', "it's", '#general', 'a*', '$(id)']) {
      expect(readEvent(incoming(drift(name)), ingestSettings())).toMatchObject({
        ok: false,
        reason: 'model_not_allowed',
        detail: expect.stringContaining('without GUARDIAN_MODELS or GUARDIAN_MODEL_PATTERN'),
      });
    }
    expect(readEvent(incoming(overload('job name')), ingestSettings())).toMatchObject({
      ok: false,
      detail: expect.stringContaining("service 'job name' may not have a guardian"),
    });
  });

  it('lets GUARDIAN_MODEL_PATTERN or GUARDIAN_MODELS admit a name the default pattern refuses', () => {
    expect(read(drift('a b'), { GUARDIAN_MODEL_PATTERN: '[a-z ]+' })).toMatchObject({ ok: true });
    expect(read(drift('a b'), { GUARDIAN_MODELS: 'a b' })).toMatchObject({ ok: true });
  });

  it('accepts the listed names and the pattern, and refuses every other with the reason', () => {
    const env = { GUARDIAN_MODELS: 'legacy_Model, 사기탐지', GUARDIAN_MODEL_PATTERN: '[a-z][a-z0-9-]{1,62}' };
    for (const name of ['fraud-detector', 'legacy_Model', '사기탐지']) {
      expect(read(drift(name), env)).toMatchObject({ ok: true });
    }
    expect(read(drift('Fraud_2'), env)).toEqual({
      ok: false,
      reason: 'model_not_allowed',
      detail:
        "model 'Fraud_2' may not have a guardian: not one of the 2 names in GUARDIAN_MODELS and does not match GUARDIAN_MODEL_PATTERN [a-z][a-z0-9-]{1,62}",
      eventId: 'e-Fraud_2',
    });
  });

  it('matches the whole name, not a part of it', () => {
    const env = { GUARDIAN_MODEL_PATTERN: 'fraud-[0-9]+' };
    expect(read(drift('fraud-12'), env)).toMatchObject({ ok: true });
    expect(read(drift('x-fraud-12-y'), env)).toMatchObject({ ok: false, reason: 'model_not_allowed' });
  });

  it('checks the service of a system event that names no model', () => {
    const env = { GUARDIAN_MODELS: 'checkout-api' };
    expect(read(overload('checkout-api'), env)).toMatchObject({ ok: true });
    expect(read(overload('random-7f3a'), env)).toMatchObject({
      ok: false,
      reason: 'model_not_allowed',
      detail: "service 'random-7f3a' may not have a guardian: not one of the 1 names in GUARDIAN_MODELS",
    });
  });

  it('refuses a pattern that does not compile when the configuration is loaded', () => {
    expect(() => loadConfig({ GUARDIAN_MODEL_PATTERN: '[a-z' })).toThrow('GUARDIAN_MODEL_PATTERN');
  });
});
