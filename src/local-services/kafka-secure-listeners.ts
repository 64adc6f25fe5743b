import fs from 'node:fs';
import { LocalServiceError } from './errors';

/**
 * Listeners a local broker can serve beside its plain one, to try (and test) the product's
 * Kafka TLS and SASL settings against a real broker: mTLS, SASL over TLS, and SASL in clear.
 * The plain listener stays for the controller and the broker's own traffic.
 */
export interface KafkaSecureListeners {
  /** PEM files: the broker's certificate and unencrypted (PKCS#8) key, and the CA it trusts for clients. */
  tls: { certFile: string; keyFile: string; caFile: string };
  /** SSL with a client certificate signed by `tls.caFile` required. */
  mtlsPort?: number;
  /** SASL_SSL: PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER (unsecured JWTs: for trying, never for production). */
  saslSslPort?: number;
  /** SASL_PLAINTEXT with the same mechanisms: what an operator must be warned about. */
  saslPlaintextPort?: number;
  /** Users (name → password) PLAIN and SCRAM accept. */
  users?: Record<string, string>;
}

const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** A Java properties value: backslashes and line breaks escaped, so a PEM block stays one value. */
function propertyValue(text: string): string {
  return text.trim().replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

/** A JAAS string literal: the user names and passwords come from the caller. */
function jaasString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function saslListenerLines(listener: string, users: Record<string, string>): string[] {
  const name = listener.toLowerCase();
  const plainUsers = Object.entries(users)
    .map(([user, password]) => `user_${user}=${jaasString(password)}`)
    .join(' ');
  return [
    `listener.name.${name}.sasl.enabled.mechanisms=${MECHANISMS.join(',')}`,
    `listener.name.${name}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    `listener.name.${name}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${name}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    // Without a server callback handler Kafka validates OAUTHBEARER tokens as unsecured JWTs.
    `listener.name.${name}.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";`,
  ];
}

/** What the secure listeners add to server.properties: listener specs, protocol map entries and settings. */
export function secureListenerProperties(options: KafkaSecureListeners): {
  listeners: string[];
  protocols: string[];
  settings: string[];
} {
  const users = options.users ?? {};
  const listeners: string[] = [];
  const protocols: string[] = [];
  const settings: string[] = [
    // Inline PEM: Kafka reads an unencrypted key only this way, not from a PEM file.
    'ssl.keystore.type=PEM',
    `ssl.keystore.certificate.chain=${propertyValue(fs.readFileSync(options.tls.certFile, 'utf8'))}`,
    `ssl.keystore.key=${propertyValue(fs.readFileSync(options.tls.keyFile, 'utf8'))}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.certificates=${propertyValue(fs.readFileSync(options.tls.caFile, 'utf8'))}`,
  ];
  if (options.mtlsPort) {
    listeners.push(`MTLS://127.0.0.1:${options.mtlsPort}`);
    protocols.push('MTLS:SSL');
    settings.push('listener.name.mtls.ssl.client.auth=required');
  }
  if (options.saslSslPort) {
    listeners.push(`SASL_SSL://127.0.0.1:${options.saslSslPort}`);
    protocols.push('SASL_SSL:SASL_SSL');
    settings.push(...saslListenerLines('SASL_SSL', users));
  }
  if (options.saslPlaintextPort) {
    listeners.push(`SASL_PLAINTEXT://127.0.0.1:${options.saslPlaintextPort}`);
    protocols.push('SASL_PLAINTEXT:SASL_PLAINTEXT');
    settings.push(...saslListenerLines('SASL_PLAINTEXT', users));
  }
  return { listeners, protocols, settings };
}

/**
 * `kafka-storage format` arguments that store SCRAM credentials for the users: in KRaft mode
 * a broker's first credentials are written with its metadata, before any listener is up.
 */
export function scramFormatArgs(options: KafkaSecureListeners | undefined): string[] {
  if (!options?.saslSslPort && !options?.saslPlaintextPort) return [];
  const users = Object.entries(options.users ?? {});
  // The tool's own syntax ([name=…,password=…]) has no escaping.
  const unsafe = users.find(([user, password]) => !/^[\w.-]+$/.test(user) || !/^[\w.-]+$/.test(password));
  if (unsafe) {
    throw new LocalServiceError(
      `local Kafka SASL user ${JSON.stringify(unsafe[0])}: names and passwords may hold letters, digits, '.', '_' and '-' only`,
    );
  }
  return users.flatMap(([user, password]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${user},password=${password}]`,
    ]),
  );
}

/** Every port the listeners take, to wait for. */
export function secureListenerPorts(options: KafkaSecureListeners | undefined): number[] {
  return [options?.mtlsPort, options?.saslSslPort, options?.saslPlaintextPort].filter((p): p is number =>
    Boolean(p),
  );
}
