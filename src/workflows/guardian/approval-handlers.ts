import { setHandler } from '@temporalio/workflow';
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
    if (!approvals) throw new Error('this guardian run began before approvals existed: it has no requests');
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
