import { loadConfig } from '../../../src/config';
import {
  approvalProblems,
  needsApproval,
  parseApprovalRules,
} from '../../../src/domain/approval/approval-settings';
import { guardianSettingsFromConfig, resolveGuardianSettings } from '../../../src/domain/policy';

describe('GUARDIAN_APPROVAL_REQUIRED', () => {
  it('reads ACTION:SEVERITY entries in any case, with * for every severity, repeats once', () => {
    expect(parseApprovalRules(' rollback:high, RETRAIN:CRITICAL ,SCALE_UP:*,ROLLBACK:HIGH')).toEqual([
      { action: 'ROLLBACK', severity: 'HIGH' },
      { action: 'RETRAIN', severity: 'CRITICAL' },
      { action: 'SCALE_UP', severity: '*' },
    ]);
    expect(parseApprovalRules('')).toEqual([]);
  });

  it.each([
    ['REBOOT:HIGH', "unknown action 'REBOOT'"],
    ['ROLLBACK:URGENT', "unknown severity 'URGENT'"],
    ['ROLLBACK', "'ROLLBACK' is not ACTION:SEVERITY"],
    ['ROLLBACK:HIGH:NOW', "'ROLLBACK:HIGH:NOW' is not ACTION:SEVERITY"],
  ])('refuses %s, naming the bad entry', (text, problem) => {
    expect(() => parseApprovalRules(text)).toThrow(problem);
  });

  it('names every bad entry at once in the configuration error', () => {
    expect(() => loadConfig({ GUARDIAN_APPROVAL_REQUIRED: 'REBOOT:HIGH,ROLLBACK:SOON' })).toThrow(
      /GUARDIAN_APPROVAL_REQUIRED="REBOOT:HIGH,ROLLBACK:SOON" is invalid: expected ACTION:SEVERITY.*unknown action 'REBOOT'.*unknown severity 'SOON'/,
    );
  });

  it('matches the severity exactly, or any with *', () => {
    const settings = {
      required: parseApprovalRules('ROLLBACK:HIGH,SCALE_UP:*'),
      timeoutMinutes: 15,
      timeoutOutcome: 'abandon' as const,
    };
    expect(needsApproval(settings, 'ROLLBACK', 'HIGH')).toBe(true);
    expect(needsApproval(settings, 'ROLLBACK', 'CRITICAL')).toBe(false);
    expect(needsApproval(settings, 'SCALE_UP', 'LOW')).toBe(true);
    expect(needsApproval(settings, 'RETRAIN', 'HIGH')).toBe(false);
    expect(needsApproval(undefined, 'ROLLBACK', 'HIGH')).toBe(false);
  });
});

describe('approval timeout settings', () => {
  it('default to 15 minutes and abandon, and reach the guardian only when something needs approval', () => {
    expect(guardianSettingsFromConfig(loadConfig({})).approval).toBeUndefined();
    expect(
      guardianSettingsFromConfig(loadConfig({ GUARDIAN_APPROVAL_REQUIRED: 'ROLLBACK:HIGH' })).approval,
    ).toEqual({
      required: [{ action: 'ROLLBACK', severity: 'HIGH' }],
      timeoutMinutes: 15,
      timeoutOutcome: 'abandon',
    });
    expect(
      guardianSettingsFromConfig(
        loadConfig({
          GUARDIAN_APPROVAL_REQUIRED: 'RETRAIN:*',
          GUARDIAN_APPROVAL_TIMEOUT_MINUTES: '60',
          GUARDIAN_APPROVAL_TIMEOUT_OUTCOME: 'proceed',
        }),
      ).approval,
    ).toMatchObject({ timeoutMinutes: 60, timeoutOutcome: 'proceed' });
  });

  it.each([
    [{ GUARDIAN_APPROVAL_TIMEOUT_MINUTES: '0' }, 'GUARDIAN_APPROVAL_TIMEOUT_MINUTES="0" is invalid'],
    [{ GUARDIAN_APPROVAL_TIMEOUT_MINUTES: '2.5' }, 'GUARDIAN_APPROVAL_TIMEOUT_MINUTES="2.5" is invalid'],
    [
      { GUARDIAN_APPROVAL_TIMEOUT_OUTCOME: 'retry' },
      'GUARDIAN_APPROVAL_TIMEOUT_OUTCOME="retry" is invalid: expected abandon or proceed',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('are checked when they come through the operator update', () => {
    expect(
      approvalProblems({
        required: [{ action: 'ROLLBACK', severity: 'HIGHEST' }],
        timeoutMinutes: 0,
        timeoutOutcome: 'wait' as never,
      }),
    ).toEqual([
      "approval.required: unknown severity 'HIGHEST' (one of LOW, MEDIUM, HIGH, CRITICAL or *)",
      'approval.timeoutMinutes must be a whole number from 1 to 10080, got 0',
      'approval.timeoutOutcome must be abandon or proceed, got wait',
    ]);
    expect(() =>
      resolveGuardianSettings({
        approval: { required: [], timeoutMinutes: 99_999, timeoutOutcome: 'abandon' },
      }),
    ).toThrow('invalid guardian settings: approval.timeoutMinutes must be a whole number from 1 to 10080');
  });
});
