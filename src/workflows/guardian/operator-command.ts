import {
  activeCooldown,
  isResponseAction,
  RESPONSE_ACTIONS,
  resolveGuardianSettings,
  type GuardianSettings,
} from '../../domain/policy';
import type { DecisionEntry, GuardianCarriedState, OperatorCommand } from '../../contracts/guardian-messages';

const COMMANDS = ['pause', 'resume', 'clear-cooldown', 'force-action', 'settings'] as const;
const MAX_REASON_LENGTH = 1_000;

/**
 * Rejects a command before it reaches the guardian's history (update validator): every command
 * needs a reason; pause/resume must change something; a cooldown to clear must be running.
 * Throws an Error whose message tells the operator what to fix.
 */
export function validateOperatorCommand(
  command: OperatorCommand,
  state: GuardianCarriedState,
  now: number,
): void {
  if (typeof command !== 'object' || command === null)
    throw new Error('an operator command must be an object');
  if (!(COMMANDS as readonly string[]).includes(command.command)) {
    throw new Error(`unknown command '${String(command.command)}': expected one of ${COMMANDS.join(', ')}`);
  }
  if (typeof command.reason !== 'string' || command.reason.trim() === '') {
    throw new Error(`'${command.command}' needs a reason: it is recorded in the audit trail`);
  }
  if (command.reason.length > MAX_REASON_LENGTH) {
    throw new Error(`the reason is longer than ${MAX_REASON_LENGTH} characters`);
  }
  if (command.operator !== undefined && typeof command.operator !== 'string') {
    throw new Error('operator must be a string');
  }
  switch (command.command) {
    case 'pause':
      if (state.paused) throw new Error(`auto-response is already paused (${state.paused.reason})`);
      return;
    case 'resume':
      if (!state.paused) throw new Error('auto-response is not paused');
      return;
    case 'clear-cooldown': {
      const running = Object.keys(state.policy.cooldowns).filter((key) =>
        activeCooldown(state.policy.cooldowns, key, now),
      );
      if (!running.includes(command.cooldownKey)) {
        throw new Error(
          `no cooldown '${String(command.cooldownKey)}' is running; running: ${running.length ? running.join(', ') : 'none'}`,
        );
      }
      return;
    }
    case 'force-action':
      if (!isResponseAction(command.action)) {
        throw new Error(
          `unknown action '${String(command.action)}': expected one of ${RESPONSE_ACTIONS.join(', ')}`,
        );
      }
      return;
    case 'settings':
      settingsAfter(state.settings, command);
      return;
  }
}

/** The settings a `settings` command asks for (validated; throws naming every bad field). */
export function settingsAfter(
  current: GuardianSettings,
  command: Extract<OperatorCommand, { command: 'settings' }>,
): GuardianSettings {
  const patch = command.settings ?? {};
  return resolveGuardianSettings({
    timeZone: patch.timeZone ?? current.timeZone,
    businessHours: { ...current.businessHours, ...patch.businessHours },
    maintenanceWindow: { ...current.maintenanceWindow, ...patch.maintenanceWindow },
    dryRun: patch.dryRun ?? current.dryRun,
    hysteresis: patch.hysteresis ?? current.hysteresis,
    evaluation: patch.evaluation ?? current.evaluation,
    approval: patch.approval ?? current.approval,
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Who gave a command, as reasons quote it. */
export function commandAuthor(command: OperatorCommand): string {
  return command.operator ? `operator ${command.operator}` : 'an operator';
}

/** The history entry of a (validated) operator command. */
export function operatorEntry(command: OperatorCommand, id: string, now: number): DecisionEntry {
  return {
    id,
    origin: 'operator',
    eventType: 'operator_command',
    severity: 'NONE',
    action: command.command.toUpperCase().replace('-', '_'),
    executed: true,
    status: 'operator',
    reason: `${commandAuthor(command)}: ${command.reason.trim()}`,
    decidedAt: iso(now),
    operator: command.operator,
  };
}

/**
 * Carries out a command that only changes the guardian's state (everything but force-action)
 * and says what it did in the entry's result.
 */
export function applyStateCommand(
  state: GuardianCarriedState,
  command: Exclude<OperatorCommand, { command: 'force-action' }>,
  entry: DecisionEntry,
  now: number,
): void {
  switch (command.command) {
    case 'pause':
      state.paused = { reason: command.reason.trim(), since: now, operator: command.operator };
      entry.result = 'auto-response paused: events are decided and recorded, nothing runs';
      return;
    case 'resume':
      entry.result = `auto-response resumed (paused since ${iso(state.paused?.since ?? now)})`;
      state.paused = null;
      return;
    case 'clear-cooldown': {
      const cooldown = state.policy.cooldowns[command.cooldownKey];
      delete state.policy.cooldowns[command.cooldownKey];
      entry.clearedCooldown = command.cooldownKey;
      entry.result = `cooldown ${command.cooldownKey} cleared (it ran until ${iso(cooldown.until)})`;
      return;
    }
    case 'settings':
      state.settings = settingsAfter(state.settings, command);
      entry.result = `settings now ${JSON.stringify(state.settings)}`;
      return;
  }
}
