#!/usr/bin/env node
/**
 * The operator's command line: `mlops-guardian <command> [args]`.
 * Each command lives in src/cli/<command>.ts and exports `run(args): Promise<number>` (exit code).
 */
import { endQuietlyWhenOutputCloses } from './cli/closed-output';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  history: {
    summary: 'audit trail of a model: every auto-response decision with its reason',
    load: () => import('./cli/history'),
  },
  simulate: {
    summary: 'decisions the auto-response policy takes for a JSONL file of events (no Temporal)',
    load: () => import('./cli/simulate'),
  },
  config: {
    summary: 'print the configuration reference (Markdown table)',
    load: () => import('./cli/config-docs'),
  },
  silence: {
    summary: 'silences of alarms: add (matchers, comment, end), list, expire',
    load: () => import('./cli/silence'),
  },
  approve: {
    summary: "approve a guardian's waiting action: MODEL REQUEST_ID --by NAME [--reason TEXT]",
    load: () => approvalCommand('approve'),
  },
  reject: {
    summary: "reject a guardian's waiting action: MODEL REQUEST_ID --by NAME [--reason TEXT]",
    load: () => approvalCommand('reject'),
  },
  pending: {
    summary: 'approval requests waiting for an answer: [MODEL] [--json]',
    load: () => approvalCommand('pending'),
  },
  'guardian-of': {
    summary: 'the workflow that guards a model (its own, or its shard) and how to query it: MODEL',
    load: () => import('./cli/guardian-of'),
  },
  report: {
    summary: 'daily log report: now, backfill, pause, resume, describe; run (no Temporal)',
    load: () => import('./cli/report'),
  },
};

/** approve, reject and pending share one module, which takes the command as its first argument. */
async function approvalCommand(name: string): Promise<{ run(args: string[]): Promise<number> }> {
  const approval = await import('./cli/approval');
  return { run: (args) => approval.run([name, ...args]) };
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: mlops-guardian <command> [args]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(args);
}

endQuietlyWhenOutputCloses();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
