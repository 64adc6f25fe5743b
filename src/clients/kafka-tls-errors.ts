import { ConfigError } from '../config';
import type { KafkaConfig } from '../config/kafka';
import { tlsVerificationFailure } from './tls-verification-failure';

/**
 * The first Kafka connection's TLS failure as the setting a person must change: kafkajs reports
 * "Connection error: unable to verify the first certificate", naming neither the broker's CA
 * setting nor the client certificate. Undefined for errors that are not about TLS verification.
 */
export function explainKafkaTlsError(
  err: unknown,
  config: Pick<KafkaConfig, 'sslCaPath' | 'sslCertPath'>,
  brokers: string[],
): ConfigError | undefined {
  const failure = tlsVerificationFailure(err);
  if (!failure) return undefined;
  const at = `Kafka at ${brokers.join(',')}`;
  const ca = config.sslCaPath
    ? `the CA in KAFKA_SSL_CA_PATH=${JSON.stringify(config.sslCaPath)}`
    : "the system's trusted CAs (set KAFKA_SSL_CA_PATH for a private CA)";
  switch (failure.kind) {
    case 'untrusted-chain':
      return new ConfigError([
        `${at} presented a TLS certificate that does not chain to ${ca} (${failure.detail}): expected the CA that signed the brokers' certificates`,
      ]);
    case 'outside-validity':
      return new ConfigError([`${at} presented a TLS certificate outside its validity (${failure.detail})`]);
    case 'wrong-host':
      return new ConfigError([
        `${at} presented a TLS certificate for another host (${failure.detail}): list the brokers by a name their certificates carry`,
      ]);
    case 'client-certificate-refused':
      return new ConfigError([
        config.sslCertPath
          ? `${at} refused the client certificate in KAFKA_SSL_CERT_PATH=${JSON.stringify(config.sslCertPath)} (${failure.detail}): expected one signed by a CA the brokers trust`
          : `${at} requires a client certificate (${failure.detail}): set KAFKA_SSL_CERT_PATH and KAFKA_SSL_KEY_PATH`,
      ]);
  }
}
