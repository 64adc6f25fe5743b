import fs from 'node:fs';
import type { LocalStack } from '../src/local-services/local-stack';

/** Stops what global-setup started and removes its data: no process is left behind. */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __localStack?: { stack: LocalStack; dataDir: string; forget: () => void } })
    .__localStack;
  if (!state) return;
  state.forget();
  await state.stack.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
