import {
  answeredResolution,
  answerProblem,
  approvalRequestId,
  dueApprovals,
  holdForApproval,
  MAX_PENDING_APPROVALS,
  nextApprovalExpiry,
  timeoutResolution,
  type WaitingApproval,
} from '../../../src/domain/approval/approval-requests';
import type { ApprovalSettings } from '../../../src/domain/approval/approval-settings';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const ROLLBACK_HIGH: ApprovalSettings = {
  required: [
    { action: 'ROLLBACK', severity: 'HIGH' },
    { action: 'SCALE_UP', severity: '*' },
  ],
  timeoutMinutes: 15,
  timeoutOutcome: 'abandon',
};

function waiting(n: number, expiresAt = NOW + 60_000): WaitingApproval[] {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `approval:e-${i}`,
    decisionId: `e-${i}`,
    action: 'ROLLBACK',
    requestedAt: NOW - 60_000,
    expiresAt: expiresAt + i,
    timeoutOutcome: 'abandon' as const,
  }));
}

describe('holdForApproval', () => {
  it.each([
    ['ROLLBACK', 'HIGH', true],
    ['ROLLBACK', 'CRITICAL', false],
    ['SCALE_UP', 'LOW', true],
    ['RETRAIN', 'HIGH', false],
  ])('%s at %s: held %s', (action, severity, held) => {
    const hold = holdForApproval(ROLLBACK_HIGH, { action, severity }, [], NOW, () => 'r-1');
    expect(hold.held).toBe(held);
  });

  it('holds nothing without settings, and asks for no id then', () => {
    const id = jest.fn(() => 'r-1');
    expect(holdForApproval(undefined, { action: 'ROLLBACK', severity: 'HIGH' }, [], NOW, id)).toEqual({
      held: false,
    });
    expect(id).not.toHaveBeenCalled();
  });

  it('waits until now + the timeout, saying which rule, which request and what then', () => {
    const hold = holdForApproval(
      { ...ROLLBACK_HIGH, timeoutOutcome: 'proceed' },
      { action: 'ROLLBACK', severity: 'HIGH' },
      [],
      NOW,
      () => 'approval:e-9',
    );
    expect(hold).toEqual({
      held: true,
      waits: true,
      requestId: 'approval:e-9',
      expiresAt: NOW + 15 * 60_000,
      timeoutOutcome: 'proceed',
      result:
        'awaiting approval (GUARDIAN_APPROVAL_REQUIRED=ROLLBACK:HIGH): request approval:e-9, until 2026-03-02T09:15:00.000Z, then proceed',
    });
  });

  it(`abandons a request past ${MAX_PENDING_APPROVALS} waiting ones, and says why`, () => {
    const decision = { action: 'SCALE_UP', severity: 'HIGH' };
    const below = holdForApproval(
      ROLLBACK_HIGH,
      decision,
      waiting(MAX_PENDING_APPROVALS - 1),
      NOW,
      () => 'x',
    );
    expect(below).toMatchObject({ held: true, waits: true });
    const full = holdForApproval(ROLLBACK_HIGH, decision, waiting(MAX_PENDING_APPROVALS), NOW, () => 'x');
    expect(full).toEqual({
      held: true,
      waits: false,
      result: `needs approval (GUARDIAN_APPROVAL_REQUIRED=SCALE_UP:*), but ${MAX_PENDING_APPROVALS} requests already wait for an answer: abandoned, nothing runs`,
    });
  });
});

describe('approvalRequestId', () => {
  it('names the request after the decision, and stays unique while an older one of it waits', () => {
    expect(approvalRequestId('evt-1', [])).toBe('approval:evt-1');
    expect(approvalRequestId('evt-1:window-run', [])).toBe('approval:evt-1:window-run');
    const older = [
      { ...waiting(1)[0], requestId: 'approval:evt-1' },
      { ...waiting(1)[0], requestId: 'approval:evt-1#2' },
    ];
    expect(approvalRequestId('evt-1', older)).toBe('approval:evt-1#3');
  });
});

describe('answerProblem', () => {
  const list = waiting(2);
  it.each([
    [null, 'invalidAnswer', 'an answer must be an object'],
    [{ by: 'ana' }, 'invalidAnswer', 'requestId is missing'],
    [{ requestId: 'approval:e-0', by: '  ' }, 'invalidAnswer', "'by' is missing"],
    [{ requestId: 'approval:e-0' }, 'invalidAnswer', "'by' is missing"],
    [{ requestId: 'approval:e-0', by: 'x'.repeat(201) }, 'invalidAnswer', "'by' is longer than 200"],
    [{ requestId: 'approval:e-0', by: 'ana', reason: 3 }, 'invalidAnswer', 'reason must be a string'],
    [
      { requestId: 'approval:e-0', by: 'ana', reason: 'x'.repeat(1001) },
      'invalidAnswer',
      'the reason is longer than 1000',
    ],
    [
      { requestId: 'nope', by: 'ana' },
      'unknownRequest',
      "no approval request 'nope' waits on m (unknown, or already answered or timed out); waiting: approval:e-0, approval:e-1",
    ],
  ])('turns away a bad answer or an unknown request (case %#)', (answer, kind, message) => {
    const problem = answerProblem(answer, list, 'm');
    expect(problem?.kind).toBe(kind);
    expect(problem?.message).toContain(message);
  });

  it('takes a well-formed answer to a waiting request', () => {
    expect(answerProblem({ requestId: 'approval:e-1', by: 'ana', reason: 'ok' }, list, 'm')).toBeUndefined();
  });
});

describe('how a request ends', () => {
  it('approved runs, rejected does not; who and why as the reason starts', () => {
    expect(answeredResolution('approved', { requestId: 'r', by: ' ana ', reason: ' looked ' })).toEqual({
      outcome: 'runs',
      said: 'approved by ana: looked',
      by: 'ana',
    });
    expect(answeredResolution('rejected', { requestId: 'r', by: 'bo' })).toEqual({
      outcome: 'rejected',
      said: 'rejected by bo',
      by: 'bo',
    });
  });

  it.each([
    ['abandon', 'abandoned'],
    ['proceed', 'runs'],
  ] as const)('a timeout with %s: %s', (timeoutOutcome, outcome) => {
    const [request] = waiting(1);
    const ended = timeoutResolution({
      ...request,
      requestedAt: NOW,
      expiresAt: NOW + 15 * 60_000,
      timeoutOutcome,
    });
    expect(ended).toEqual({
      outcome,
      said: `no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=${timeoutOutcome}`,
    });
  });

  it('times out the requests due at or before now, in the order they wait', () => {
    const list = waiting(3, NOW - 1);
    expect(dueApprovals(list, NOW).map((w) => w.requestId)).toEqual(['approval:e-0', 'approval:e-1']);
    expect(nextApprovalExpiry(list)).toBe(NOW - 1);
    expect(nextApprovalExpiry([])).toBeUndefined();
  });
});
