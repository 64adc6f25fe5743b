/**
 * `mlops-guardian approve | reject | pending`: answer a guardian's approval requests (README
 * "Approval before acting") from the command line.
 *
 *   approve MODEL REQUEST_ID --by NAME [--reason TEXT]   the waiting action runs
 *   reject  MODEL REQUEST_ID --by NAME [--reason TEXT]   recorded as rejected, nothing runs
 *   pending [MODEL] [--json]                             requests waiting for an answer
 *
 * Talks to the Temporal server of TEMPORAL_ADDRESS (unset: the local one `npm start` runs).
 */
import { loadConfig } from '../config';
import {
  allPendingApprovals,
  answerApproval,
  pendingApprovalsOf,
  type Verdict,
} from '../clients/guardian-approvals';
import type { PendingApprovalView } from '../contracts/guardian-messages';
import { connectToTemporal } from './temporal-connection';
import { parseCommandArgs, UsageError } from './command-args';

const USAGE = `usage:
  mlops-guardian approve MODEL REQUEST_ID --by NAME [--reason TEXT]
  mlops-guardian reject MODEL REQUEST_ID --by NAME [--reason TEXT]
  mlops-guardian pending [MODEL] [--json]
`;

/** One line per request: what waits, since when, until when and then what, and why. */
export function formatPending(pending: PendingApprovalView[]): string {
  if (pending.length === 0) return 'no approval request waits\n';
  return pending
    .map(
      (p) =>
        `${p.modelName}  ${p.requestId}  ${p.action} (${p.severity})  asked ${p.requestedAt}, ` +
        `until ${p.expiresAt} then ${p.timeoutOutcome}\n    ${p.reason}\n`,
    )
    .join('');
}

async function answer(verdict: Verdict, args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, ['by', 'reason'], []);
  const [model, requestId, extra] = parsed.positional;
  if (!model || !requestId) throw new UsageError(`${verdict} needs MODEL and REQUEST_ID`);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const by = parsed.options.get('by');
  if (typeof by !== 'string' || by.trim() === '')
    throw new UsageError(`${verdict} needs --by NAME: who answers is recorded in the audit trail`);
  const reason = parsed.options.get('reason') as string | undefined;
  const temporal = await connectToTemporal(loadConfig());
  try {
    const outcome = await answerApproval(temporal.client, model, verdict, {
      requestId,
      by,
      ...(reason !== undefined ? { reason } : {}),
    });
    if (!outcome.ok) {
      process.stderr.write(`not ${verdict === 'approve' ? 'approved' : 'rejected'}: ${outcome.detail}\n`);
      return 1;
    }
    const { entry } = outcome.result;
    const what =
      verdict === 'approve'
        ? `${entry.action} on ${model} runs now (decision ${entry.id})`
        : `${entry.action} on ${model} does not run (decision ${entry.id})`;
    process.stdout.write(`${verdict === 'approve' ? 'approved' : 'rejected'}: ${what}\n`);
    return 0;
  } finally {
    await temporal.close();
  }
}

async function pending(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, [], ['json']);
  const [model, extra] = parsed.positional;
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const temporal = await connectToTemporal(loadConfig());
  try {
    const list = model
      ? await pendingApprovalsOf(temporal.client, model)
      : await allPendingApprovals(temporal.client);
    process.stdout.write(
      parsed.options.has('json') ? `${JSON.stringify(list, null, 2)}\n` : formatPending(list),
    );
    return 0;
  } finally {
    await temporal.close();
  }
}

/** `command` is approve, reject or pending (src/cli.ts passes it first). */
export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (rest[0] === '--help' || rest[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (command === 'approve' || command === 'reject') return await answer(command, rest);
    if (command === 'pending') return await pending(rest);
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    return 2;
  }
}
