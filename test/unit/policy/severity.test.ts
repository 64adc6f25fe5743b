import { assessSeverity } from '../../../src/domain/policy';
import { degradationEvent, driftEvent, systemEvent } from './model-events';

describe('assessSeverity', () => {
  it.each([
    // label, score, features, expected, explanation fragment
    ['LOW', 0.1, 1, 'LOW', 'event said LOW'],
    ['low', 0.1, 1, 'LOW', 'event said LOW'],
    [' High ', 0.1, 1, 'HIGH', 'event said HIGH'],
    ['critical', 0.1, 1, 'CRITICAL', 'event said CRITICAL'],
    [undefined, 0.1, 1, 'MEDIUM', 'no severity in the event, MEDIUM assumed'],
    ['urgent', 0.1, 1, 'MEDIUM', "unrecognised severity 'urgent', MEDIUM assumed"],
    ['', 0.1, 1, 'MEDIUM', 'no severity in the event, MEDIUM assumed'],
    ['LOW', 0.6, 1, 'LOW', 'event said LOW'],
    ['LOW', 0.61, 1, 'HIGH', 'raised: drift_score 0.61 > 0.6'],
    ['LOW', 0.8, 1, 'HIGH', 'raised: drift_score 0.8 > 0.6'],
    ['LOW', 0.81, 1, 'CRITICAL', 'raised: drift_score 0.81 > 0.8'],
    ['LOW', 0.1, 3, 'LOW', 'event said LOW'],
    ['LOW', 0.1, 4, 'HIGH', 'raised: 4 affected features > 3'],
    ['LOW', 0.1, 5, 'HIGH', 'raised: 5 affected features > 3'],
    ['LOW', 0.1, 6, 'CRITICAL', 'raised: 6 affected features > 5'],
    ['HIGH', 0.7, 1, 'HIGH', 'event said HIGH'],
    ['CRITICAL', 0.7, 1, 'CRITICAL', 'event said CRITICAL'],
    ['CRITICAL', 0.1, 1, 'CRITICAL', 'event said CRITICAL'],
  ])('drift labelled %p, score %p, %p features → %s', (label, score, features, expected, fragment) => {
    const result = assessSeverity(driftEvent({ severity: label, score, features }));
    expect(result.severity).toBe(expected);
    expect(result.explanation).toContain(fragment);
    expect(result.explanation.startsWith(`severity ${expected}`)).toBe(true);
  });

  it.each([
    [undefined, 0.05, 'MEDIUM'],
    ['LOW', 0.1, 'LOW'],
    ['LOW', 0.1001, 'HIGH'],
    ['MEDIUM', 0.15, 'HIGH'],
    ['MEDIUM', 0.1501, 'CRITICAL'],
    [undefined, 0.3, 'CRITICAL'],
    ['CRITICAL', 0.0, 'CRITICAL'],
    ['HIGH', 0.12, 'HIGH'],
  ])('degradation labelled %p with drop %p → %s', (label, drop, expected) => {
    expect(assessSeverity(degradationEvent({ severity: label, drop })).severity).toBe(expected);
  });

  it('never lowers a label: context below the label keeps the label', () => {
    for (const label of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) {
      for (const score of [0, 0.5, 0.65, 0.9]) {
        const assessed = assessSeverity(driftEvent({ severity: label, score })).severity;
        const order = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
        expect(order.indexOf(assessed)).toBeGreaterThanOrEqual(order.indexOf(label));
      }
    }
  });

  it('takes other event types at their label (no context to raise them)', () => {
    expect(assessSeverity(systemEvent('system_overload', { severity: 'low' })).severity).toBe('LOW');
    expect(assessSeverity(systemEvent('disk_full')).explanation).toBe(
      'severity MEDIUM (no severity in the event, MEDIUM assumed)',
    );
  });
});
