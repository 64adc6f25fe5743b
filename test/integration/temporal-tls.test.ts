import { createTemporalClient } from '../../src/clients/temporal';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openServiceContext } from '../../src/workers/service-context';
import { testConfig } from '../helpers/stack';
import { makeTestCa, TestCa } from '../helpers/test-ca';
import { startTlsTerminatingProxy } from '../helpers/tls-terminating-proxy';

/**
 * TEMPORAL_TLS_* against a real TLS listener: the shared dev server behind a TLS front whose
 * certificate (from a CA the test makes with openssl) names only `other.example`, and which
 * requires a client certificate. Both connections the product uses: the Node one and the native
 * one (the bridge's and the workers').
 */
describe('Temporal over TLS (the dev server behind a TLS front with a test CA)', () => {
  let ca: TestCa;
  let proxy: Awaited<ReturnType<typeof startTlsTerminatingProxy>>;
  const quiet = createLogger({ level: 'silent', pretty: false });

  beforeAll(async () => {
    ca = makeTestCa();
    proxy = await startTlsTerminatingProxy({
      target: process.env.TEMPORAL_ADDRESS!,
      cert: ca.otherNameCert,
      key: ca.otherNameKey,
      clientCa: ca.caCert,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    ca?.remove();
  });

  const tlsEnv = (): NodeJS.ProcessEnv => ({
    TEMPORAL_TLS_CA_PATH: ca.caCert,
    // The address is an IP; the certificate names another host.
    TEMPORAL_TLS_SERVER_NAME: 'other.example',
    TEMPORAL_TLS_CERT_PATH: ca.clientCert,
    TEMPORAL_TLS_KEY_PATH: ca.clientKey,
  });

  async function systemInfo(env: NodeJS.ProcessEnv, native: boolean): Promise<unknown> {
    const config = testConfig(env).temporal;
    const handle = await createTemporalClient(config, `127.0.0.1:${proxy.port}`, { native });
    try {
      return await handle.client.workflowService.getSystemInfo({});
    } finally {
      await handle.close();
    }
  }

  it.each([
    ['the Node connection', false],
    ['the native connection', true],
  ])(
    '%s verifies the server by the CA and the server name, and presents the client certificate',
    async (_, native) => {
      const before = proxy.clientSubjects.length;
      const info = (await systemInfo(tlsEnv(), native)) as { serverVersion?: string };
      expect(info.serverVersion).toEqual(expect.any(String));
      expect(proxy.clientSubjects.slice(before)).toContain('mlops-guardian');
    },
  );

  /** The start-up error of the product's service context with these Temporal settings. */
  async function startError(env: NodeJS.ProcessEnv): Promise<Error> {
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`, ...env });
    const ctx = await openServiceContext(config, quiet, { headless: true }).catch((err: Error) => err);
    if (ctx instanceof Error) return ctx;
    await ctx.close();
    throw new Error('expected the start to fail');
  }

  it('stops the start naming the setting: server name, CA, client certificate', async () => {
    const at = `Temporal at 127.0.0.1:${proxy.port}`;
    const problems = async (env: NodeJS.ProcessEnv) => {
      const err = await startError(env);
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    };
    expect(await problems({ ...tlsEnv(), TEMPORAL_TLS_SERVER_NAME: undefined })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${at} presented a TLS certificate for another name \\(.*\\): set TEMPORAL_TLS_SERVER_NAME`,
        ),
      ),
    ]);
    const [wrongCa] = await problems({ ...tlsEnv(), TEMPORAL_TLS_CA_PATH: ca.strangerCaCert });
    expect(wrongCa).toContain(
      `${at} presented a TLS certificate that does not chain to the CA in TEMPORAL_TLS_CA_PATH=${JSON.stringify(ca.strangerCaCert)} (`,
    );
    expect(
      await problems({ ...tlsEnv(), TEMPORAL_TLS_CERT_PATH: undefined, TEMPORAL_TLS_KEY_PATH: undefined }),
    ).toEqual([
      `${at} requires a client certificate (TLS alert from the server: certificate required): set TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH`,
    ]);
  });
});
