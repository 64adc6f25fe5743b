import type { ConnectionOptions } from 'node:tls';
import { KafkaConfig, kafkaUsesTls } from '../config/kafka';
import { readPemFile } from './pem-file';

/**
 * TLS options of the broker connections, for either client: `true` (system CAs) unless a CA file
 * or a client certificate is configured; `false` without TLS.
 */
export function kafkaTlsOptions(config: KafkaConfig): ConnectionOptions | boolean {
  if (!kafkaUsesTls(config)) return false;
  const options: ConnectionOptions = {};
  if (config.sslCaPath) options.ca = [readPemFile('KAFKA_SSL_CA_PATH', config.sslCaPath)];
  if (config.sslCertPath && config.sslKeyPath) {
    options.cert = readPemFile('KAFKA_SSL_CERT_PATH', config.sslCertPath);
    options.key = readPemFile('KAFKA_SSL_KEY_PATH', config.sslKeyPath);
  }
  return Object.keys(options).length > 0 ? options : true;
}
