import { trainingCommandEnv } from '../../src/backends/training/training-command-env';

describe('trainingCommandEnv', () => {
  const worker: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/guardian',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    TMPDIR: '/tmp',
    DATABASE_URL: 'postgres://app:db-pass@db/mlops',
    KAFKA_SASL_PASSWORD: 'kafka-pass',
    TEMPORAL_API_KEY: 'temporal-key',
    MLFLOW_TRACKING_TOKEN: 'mlflow-token',
    ALERT_WEBHOOK_URL: 'https://hooks.example.com/x',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    HF_HOME: '/data/hf',
    NODE_OPTIONS: '--max-old-space-size=384',
  };
  const job = { MODEL_NAME: 'fraud', TRAINING_JOB_ID: 'local-1' };

  it('passes only the base variables and the job, nothing else of the worker', () => {
    expect(trainingCommandEnv(worker, [], job)).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/guardian',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp',
      MODEL_NAME: 'fraud',
      TRAINING_JOB_ID: 'local-1',
    });
  });

  it('adds the names the operator lists, and ignores listed names that are not set', () => {
    const env = trainingCommandEnv(worker, ['HF_HOME', 'CUDA_VISIBLE_DEVICES'], job);
    expect(env.HF_HOME).toBe('/data/hf');
    expect(env).not.toHaveProperty('CUDA_VISIBLE_DEVICES');
    expect(env).not.toHaveProperty('DATABASE_URL');
  });

  it("lets the job's own variables win over the worker's", () => {
    const env = trainingCommandEnv({ ...worker, MODEL_NAME: 'other' }, ['MODEL_NAME'], job);
    expect(env.MODEL_NAME).toBe('fraud');
  });
});
