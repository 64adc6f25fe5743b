import { z } from 'zod';
import { booleanFlag, parseSettings, port, positiveInt, setting, SettingsValues } from './setting';

/** Settings of the Kafka bridge and its HTTP way in. */
export const bridgeSettings = {
  enabled: setting({
    env: 'BRIDGE_ENABLED',
    schema: booleanFlag.default(true),
    description: 'Run the Kafka bridge inside `npm start`.',
    expects: 'true or false',
    defaultText: 'true',
  }),
  httpHost: setting({
    env: 'BRIDGE_HTTP_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    description: 'Address the HTTP event endpoint, /healthz and /metrics bind to.',
    expects: 'an IP address or host name',
    defaultText: '127.0.0.1',
  }),
  httpPort: setting({
    env: 'BRIDGE_HTTP_PORT',
    schema: port.default(8088),
    description: 'Port of the HTTP event endpoint, /healthz and /metrics.',
    expects: 'a TCP port (1-65535)',
    defaultText: '8088',
  }),
  maxMessageBytes: setting({
    env: 'BRIDGE_MAX_MESSAGE_BYTES',
    schema: positiveInt.default(1_048_576),
    description: 'Larger messages are dead-lettered.',
    expects: 'a positive number of bytes',
    defaultText: '1048576',
  }),
};

export type BridgeConfig = SettingsValues<typeof bridgeSettings>;

export function parseBridgeConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(bridgeSettings, env);
}
