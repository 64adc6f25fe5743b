import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKafkaClient } from '../../src/clients/kafka';
import { createKafkajs } from '../../src/clients/kafkajs/kafkajs-client';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import { KafkaBroker, startKafkaBroker } from '../../src/local-services/kafka-broker';
import { findFreePort } from '../../src/local-services/ports';
import { openServiceContext } from '../../src/workers/service-context';
import {
  capturingLogger,
  createBridgeTestEnv,
  driftEvent,
  guardianEvents,
  produce,
  readTopic,
  startFixtureWorker,
  startInProcessBridge,
  waitFor,
} from '../helpers/bridge-harness';
import { testConfig, uniqueName } from '../helpers/stack';
import { makeTestCa, TestCa } from '../helpers/test-ca';
import { unsecuredJwt } from '../helpers/unsecured-jwt';

const USER = 'guardian';
const PASSWORD = 'kafka-test-password';

/**
 * The product's Kafka TLS and SASL settings against a real broker: the local Kafka started with
 * an mTLS listener, a SASL_SSL one and a SASL_PLAINTEXT one, its certificate made by a CA the
 * test creates with openssl. One broker for every case; all listeners on 127.0.0.1.
 */
describe('Kafka over TLS and SASL (a real broker with a test CA)', () => {
  let ca: TestCa;
  let dataDir: string;
  let broker: KafkaBroker | undefined;
  const ports = { plain: 0, mtls: 0, saslSsl: 0, saslPlaintext: 0 };
  const quiet = createLogger({ level: 'silent', pretty: false });

  beforeAll(async () => {
    ca = makeTestCa();
    dataDir = fs.mkdtempSync(path.join(process.env.TEST_DATA_DIR ?? os.tmpdir(), 'kafka-tls-'));
    for (const name of Object.keys(ports) as Array<keyof typeof ports>) ports[name] = await findFreePort();
    broker = await startKafkaBroker({
      dataDir,
      port: ports.plain,
      secure: {
        tls: { certFile: ca.serverCert, keyFile: ca.serverKey, caFile: ca.caCert },
        mtlsPort: ports.mtls,
        saslSslPort: ports.saslSsl,
        saslPlaintextPort: ports.saslPlaintext,
        users: { [USER]: PASSWORD },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await broker?.process.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    ca?.remove();
  }, 60_000);

  const mtlsEnv = () => ({
    KAFKA_SSL_CA_PATH: ca.caCert,
    KAFKA_SSL_CERT_PATH: ca.clientCert,
    KAFKA_SSL_KEY_PATH: ca.clientKey,
  });

  /** Connects the product's producer with these settings, sends one message and reads it back. */
  async function roundTrip(port: number, env: NodeJS.ProcessEnv): Promise<string> {
    const config = testConfig({ KAFKA_BROKERS: `127.0.0.1:${port}`, ...env });
    const kafka = createKafkajs(config.kafka, config.kafka.brokers!, quiet);
    const topic = uniqueName('tls-round-trip');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    } finally {
      await admin.disconnect();
    }
    const producer = await (
      await createKafkaClient(config.kafka, config.kafka.brokers!, quiet)
    ).createProducer();
    try {
      await producer.send(topic, [{ key: 'k', value: `over ${port}` }]);
    } finally {
      await producer.disconnect();
    }
    const [message] = await readTopic(kafka, topic, (m) => m.length >= 1, 30_000);
    return message.value!.toString();
  }

  /** The error the product's client gets connecting with these settings and asking for the topics. */
  async function connectError(port: number, env: NodeJS.ProcessEnv): Promise<string> {
    const config = testConfig({ KAFKA_BROKERS: `127.0.0.1:${port}`, ...env });
    const kafka = createKafkajs(config.kafka, config.kafka.brokers!, quiet);
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.listTopics();
    } catch (err) {
      return (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    throw new Error('expected the connection to be refused');
  }

  it('the bridge reads over mTLS (CA + client certificate) and delivers the event to its guardian', async () => {
    const t = await createBridgeTestEnv({ kafkaBrokers: `127.0.0.1:${ports.mtls}`, env: mtlsEnv() });
    const worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
    const bridge = await startInProcessBridge(t);
    try {
      const model = uniqueName('tls-model');
      const event = driftEvent(model);
      await produce(t.producer, t.topics.drift, [{ key: model, value: JSON.stringify(event) }]);
      const received = await waitFor(
        'the event at its guardian',
        () => guardianEvents(t.temporal.client, guardianWorkflowId(model)),
        (r) => r.length >= 1,
      );
      expect(received.map((r) => r.eventId)).toEqual([event.event_id]);
    } finally {
      await bridge.stop();
      await worker.stop();
      await t.close();
    }
  });

  /** The start-up error of the product's service context with these Kafka settings. */
  async function startError(env: NodeJS.ProcessEnv): Promise<Error> {
    const config = testConfig(env);
    const ctx = await openServiceContext(config, quiet, { headless: true }).catch((err: Error) => err);
    if (ctx instanceof Error) return ctx;
    await ctx.close();
    throw new Error('expected the start to fail');
  }

  it('stops the start naming the setting when the CA is wrong or the client certificate missing', async () => {
    const brokers = `127.0.0.1:${ports.mtls}`;
    const wrongCa = await startError({
      KAFKA_BROKERS: brokers,
      ...mtlsEnv(),
      KAFKA_SSL_CA_PATH: ca.strangerCaCert,
    });
    expect(wrongCa).toBeInstanceOf(ConfigError);
    expect(wrongCa.message).toContain(
      `Kafka at ${brokers} presented a TLS certificate that does not chain to the CA in KAFKA_SSL_CA_PATH=${JSON.stringify(ca.strangerCaCert)} (Connection error: unable to verify the first certificate)`,
    );
    const noClientCert = await startError({ KAFKA_BROKERS: brokers, KAFKA_SSL_CA_PATH: ca.caCert });
    expect(noClientCert).toBeInstanceOf(ConfigError);
    expect(noClientCert.message).toMatch(
      /Kafka at 127\.0\.0\.1:\d+ requires a client certificate \(TLS alert from the server: bad certificate\): set KAFKA_SSL_CERT_PATH and KAFKA_SSL_KEY_PATH/,
    );
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'authenticates with SASL %s over TLS',
    async (mechanism) => {
      const env = {
        KAFKA_SSL_CA_PATH: ca.caCert,
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: USER,
        KAFKA_SASL_PASSWORD: PASSWORD,
      };
      expect(await roundTrip(ports.saslSsl, env)).toBe(`over ${ports.saslSsl}`);
      expect(await connectError(ports.saslSsl, { ...env, KAFKA_SASL_PASSWORD: 'wrong-password' })).toMatch(
        /SASL .*authentication failed/i,
      );
    },
  );

  it('authenticates with OAUTHBEARER over TLS, the token read from its file', async () => {
    const tokenFile = path.join(ca.dir, 'kafka-token');
    fs.writeFileSync(tokenFile, `${unsecuredJwt('mlops-guardian')}\n`);
    const env = {
      KAFKA_SSL_CA_PATH: ca.caCert,
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_OAUTHBEARER_TOKEN_PATH: tokenFile,
    };
    expect(await roundTrip(ports.saslSsl, env)).toBe(`over ${ports.saslSsl}`);
    // A token the broker refuses is reported as such, naming where it came from.
    fs.writeFileSync(tokenFile, unsecuredJwt('mlops-guardian', -600));
    expect(await connectError(ports.saslSsl, env)).toMatch(
      /SASL OAUTHBEARER authentication failed: the broker refused the token from KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=".*kafka-token" \(status invalid_token\)/,
    );
  });

  it('warns once, at start, that SASL PLAIN without TLS sends the password in clear — and still works', async () => {
    const captured = capturingLogger('warn');
    const config = testConfig({
      KAFKA_BROKERS: `127.0.0.1:${ports.saslPlaintext}`,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: USER,
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    const ctx = await openServiceContext(config, captured.logger, { headless: true });
    try {
      const topic = uniqueName('sasl-plaintext');
      await ctx.kafka.ensureTopics([{ topic, partitions: 1 }]);
      await ctx.producer.send(topic, [{ value: 'in clear' }]);
    } finally {
      await ctx.close();
    }
    const warnings = captured.lines.filter((l) => /without TLS/.test(String(l.msg)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', component: 'kafka' });
    expect(warnings[0].msg).toMatch(
      /KAFKA_SASL_MECHANISM=plain without TLS: the SASL password travels in clear/,
    );
    // The warning names the risk, never the secret.
    expect(JSON.stringify(captured.lines)).not.toContain(PASSWORD);
  });
});
