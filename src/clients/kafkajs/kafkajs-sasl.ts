import type { Mechanism, SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../../config/kafka';
import { oauthBearerTokenFromFile } from '../kafka-oauthbearer-token';
import { oauthBearerAuthenticator } from './kafkajs-oauthbearer';

/** OAUTHBEARER with the token file, and an authenticator that reports a refused token as such. */
export type OauthBearerSasl = Extract<SASLOptions, { mechanism: 'oauthbearer' }> & Mechanism;

/** kafkajs's SASL options from the product's settings; undefined without SASL. */
export function saslOptions(
  config: KafkaConfig,
): Exclude<SASLOptions, { mechanism: 'oauthbearer' }> | OauthBearerSasl | undefined {
  if (config.saslMechanism === 'oauthbearer' && config.saslOauthbearerTokenPath) {
    const readToken = oauthBearerTokenFromFile(config.saslOauthbearerTokenPath);
    const oauthBearerProvider = async () => ({ value: await readToken() });
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider,
      authenticationProvider: oauthBearerAuthenticator(
        oauthBearerProvider,
        `KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(config.saslOauthbearerTokenPath)}`,
      ),
    };
  }
  if (!config.saslMechanism || !config.saslUsername || !config.saslPassword) return undefined;
  const credentials = { username: config.saslUsername, password: config.saslPassword };
  switch (config.saslMechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
    default:
      return undefined;
  }
}
