import {
  isSlow,
  operationCategory,
  OperationCategory,
} from '../../../src/domain/log-analysis/slow-operations';

describe('slow-operation categories', () => {
  it.each<[string, string, OperationCategory]>([
    ['query users', 'api', 'database'],
    ['database backup', 'x', 'database'],
    ['db.write', 'x', 'database'],
    ['insert detections', 'x', 'database'],
    ['database query via api', 'x', 'database'],
    ['api call /predict', 'x', 'api'],
    ['HTTP GET /health', 'x', 'api'],
    ['request scoring', 'x', 'api'],
    ['data processing batch 7', 'x', 'data_processing'],
    ['transform features', 'x', 'data_processing'],
    ['nightly cleanup', 'scheduler', 'other'],
    ['feedback loop', 'rapid', 'other'], // "db" in "feedback" and "api" in "rapid" are not words
    ['save', 'postgres_writer', 'database'], // nothing in the operation: the component decides
    ['predict', 'api_gateway', 'api'],
  ])('%s (component %s) is %s', (operation, component, category) => {
    expect(operationCategory(operation, component)).toBe(category);
  });

  it.each<[OperationCategory, number, boolean]>([
    ['api', 5, false],
    ['api', 5.001, true],
    ['data_processing', 30, false],
    ['data_processing', 30.5, true],
    ['database', 2, false],
    ['database', 2.001, true],
    ['other', 10, false],
    ['other', 10.001, true],
  ])('%s taking %d s is slow: %s (strictly longer than the threshold)', (category, seconds, slow) => {
    expect(isSlow(category, seconds)).toBe(slow);
  });
});
