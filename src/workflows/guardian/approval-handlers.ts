import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { APPROVAL_FAILURE_TYPES } from '../../contracts/workflows';
import { approveUpdate, pendingApprovalsQuery, rejectUpdate } from './approval-definitions';
import type { PendingApprovals } from './approvals';

/**
 * The `approve` / `reject` updates and the `pendingApprovals` query. Their validators turn away an
 * answer to an unknown or finished request (or one with no `by`) before anything changes; a run
 * begun before approvals existed has no requests, so it turns every answer away.
 */
export function registerApprovalHandlers(
  approvals: PendingApprovals | undefined,
  describe: () => void,
): void {
  const validator = (answer: Parameters<PendingApprovals['validate']>[0]) => {
    if (!approvals)
      throw ApplicationFailure.create({
        type: APPROVAL_FAILURE_TYPES.unknownRequest,
        nonRetryable: true,
        message: 'this guardian run began before approvals existed: no request waits on it',
      });
    approvals.validate(answer);
  };
  for (const [update, verdict] of [
    [approveUpdate, 'approved'],
    [rejectUpdate, 'rejected'],
  ] as const) {
    setHandler(
      update,
      (answer) => {
        const result = approvals!.answer(verdict, answer);
        describe();
        return result;
      },
      { validator },
    );
  }
  setHandler(pendingApprovalsQuery, () => approvals?.views() ?? []);
}
