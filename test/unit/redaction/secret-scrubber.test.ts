import {
  createSecretScrubber,
  MIN_SCRUBBED_SECRET_LENGTH,
  REDACTED,
  scrubCredentialPatterns,
} from '../../../src/redaction/secret-scrubber';

describe('createSecretScrubber', () => {
  it('replaces every occurrence of every configured value', () => {
    const scrubber = createSecretScrubber(['s3cr3t-sasl', 'mlflow-token-123']);
    expect(scrubber.scrub('sasl=s3cr3t-sasl mlflow mlflow-token-123 again s3cr3t-sasl')).toBe(
      `sasl=${REDACTED} mlflow ${REDACTED} again ${REDACTED}`,
    );
  });

  it('replaces a URL whole, and its password on its own, raw and percent-decoded', () => {
    const url = 'postgres://app:p%40ss-word@db.internal:5432/mlops';
    const scrubber = createSecretScrubber([url]);
    expect(scrubber.scrub(`connecting to ${url}`)).toBe(`connecting to ${REDACTED}`);
    expect(scrubber.scrub('PGPASSWORD=p@ss-word')).toBe(`PGPASSWORD=${REDACTED}`);
    expect(scrubber.scrub('raw p%40ss-word here')).toBe(`raw ${REDACTED} here`);
  });

  it('replaces a webhook URL in its normalised form too', () => {
    const scrubber = createSecretScrubber(['https://HOOKS.example.com/services/T0/B0/abcdef']);
    expect(scrubber.scrub('posting to https://hooks.example.com/services/T0/B0/abcdef')).toBe(
      `posting to ${REDACTED}`,
    );
  });

  it('treats configured values as text, not as regular expressions', () => {
    const scrubber = createSecretScrubber(['a.b*c(d)+$']);
    expect(scrubber.scrub('x a.b*c(d)+$ y aXbbbcd z')).toBe(`x ${REDACTED} y aXbbbcd z`);
  });

  it('ignores unset, empty and very short values instead of redacting ordinary words', () => {
    const short = 'x'.repeat(MIN_SCRUBBED_SECRET_LENGTH - 1);
    const scrubber = createSecretScrubber([undefined, '', '   ', short]);
    expect(scrubber.scrub(`loss ${short} went down`)).toBe(`loss ${short} went down`);
  });

  it('is idempotent: scrubbing scrubbed text changes nothing', () => {
    const scrubber = createSecretScrubber(['hunter2-long']);
    const once = scrubber.scrub(
      'Authorization: Bearer abcdefgh token=hunter2-long https://u:hunter2-long@h/',
    );
    expect(scrubber.scrub(once)).toBe(once);
    expect(once).not.toContain('hunter2-long');
  });
});

describe('scrubCredentialPatterns', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/mlops failed', `postgres://app:${REDACTED}@db:5432/mlops failed`],
    ['https://user:pa:ss@mlflow.example.com/api', `https://user:${REDACTED}@mlflow.example.com/api`],
    ['Authorization: Bearer eyJhbGciOi.x.y', `Authorization: Bearer ${REDACTED}`],
    ['authorization=abc123', `authorization=${REDACTED}`],
    ['"Authorization": "Basic dXNlcjpwYXNz"', `"Authorization": "Basic ${REDACTED}"`],
    ['curl -H "bearer abcdef123456"', `curl -H "bearer ${REDACTED}"`],
    ['MLFLOW_TRACKING_TOKEN=abc def', `MLFLOW_TRACKING_TOKEN=${REDACTED} def`],
    ['KAFKA_SASL_PASSWORD=pw1', `KAFKA_SASL_PASSWORD=${REDACTED}`],
    ['{"client_secret": "zzz", "n": 1}', `{"client_secret": "${REDACTED}", "n": 1}`],
    ['GET /runs?api_key=k1&x=2', `GET /runs?api_key=${REDACTED}&x=2`],
  ])('%s', (input, expected) => {
    expect(scrubCredentialPatterns(input)).toBe(expected);
  });

  it.each([
    'postgres://postgres@127.0.0.1:54329/mlops',
    'TOKEN_COUNT=5 max_tokens=7',
    'loss went down to 0.12 after basic training',
    'PWD=/home/trainer',
    'http://mlflow.example.com:5000/api/2.0',
    'send the ingest token as Authorization: Bearer <BRIDGE_HTTP_TOKEN>',
    'set password=<your password>',
  ])('leaves %s alone', (input) => {
    expect(scrubCredentialPatterns(input)).toBe(input);
  });
});
