import type { Config } from '../config';
import { createTemporalClient, type TemporalClientHandle } from '../clients/temporal';

const CONNECT_TIMEOUT_MS = 10_000;

function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.localPort}`;
}

/**
 * The Temporal server of TEMPORAL_ADDRESS (unset: the local one `npm start` runs), or an error
 * that says where it looked and what to do, within 10 s.
 */
export async function connectToTemporal(config: Config): Promise<TemporalClientHandle> {
  const address = temporalAddress(config);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      createTemporalClient(config.temporal, address),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    const where = config.temporal.address
      ? `TEMPORAL_ADDRESS=${address}`
      : `${address} (TEMPORAL_ADDRESS is not set)`;
    throw new Error(
      `cannot reach a Temporal server at ${where}: ${(err as Error).message}\n` +
        'Start the product (`npm start` runs a local Temporal server) or set TEMPORAL_ADDRESS to a running one.',
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}
