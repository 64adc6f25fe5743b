import { log, setDefaultSignalHandler, setHandler, type SignalDefinition } from '@temporalio/workflow';

/** A signal and what the workflow does with it. */
export interface SignalRoute {
  readonly name: string;
  /** Registers the handler under the signal's own name. */
  register(): void;
  handle(args: unknown[]): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as the SDK's own SignalDefinition
export function signalRoute<Args extends any[]>(
  signal: SignalDefinition<Args>,
  handler: (...args: Args) => void,
): SignalRoute {
  return {
    name: signal.name,
    register: () => setHandler(signal, handler),
    handle: (args) => handler(...(args as Args)),
  };
}

/**
 * Registers signal handlers so that the signals a run received before its workflow function began
 * (everything in its first workflow task: a guardian's first events, or those sent while it
 * continued as new) are handled in the order Temporal accepted them. The SDK keeps such signals
 * and hands them out handler by handler as each is registered — every signal of the first name
 * registered, then of the next — so a `modelEvent` would overtake a `modelEvents` batch accepted
 * before it. A default handler registered first receives every waiting signal in arrival order
 * and routes it. It stays for the whole run so that a signal the SDK hands to it later still
 * finds its route; one with no route is logged and ignored (it used to wait unread forever).
 */
export function setSignalHandlersInArrivalOrder(routes: SignalRoute[]): void {
  const byName = new Map(routes.map((route) => [route.name, route]));
  setDefaultSignalHandler((signalName, ...args) => {
    const route = byName.get(signalName);
    if (route) route.handle(args);
    else log.warn('signal with no handler ignored', { signalName });
  });
  for (const route of routes) route.register();
}
