import { MAX_MESSAGE_CHARS, normalizeMessage } from '../../../src/domain/log-analysis/normalize-message';

describe('normalizeMessage', () => {
  it.each([
    ['Connection refused to db-1:5432', 'Connection refused to db-<n>:<n>'],
    ['Timeout after 5012 ms', 'Timeout after <n> ms'],
    ['took 1.234s', 'took <n>.<id>'],
    ['request 9f2c1e4a-77b0-4c1d-9a7e-2b6f3c1d0e9a failed', 'request <id>-<id>-<id>-<id>-<id> failed'],
    ['model_v2 rejected', 'model_<id> rejected'],
    ['HTTP 404 Not Found', 'HTTP 404 Not Found'],
    ['status: 503 from upstream', 'status: 503 from upstream'],
    ['code=500', 'code=500'],
    ['retry 404 of 500', 'retry <n> of <n>'],
    ['HTTP 1234', 'HTTP <n>'],
    ['  spaced out  ', 'spaced out'],
    ['no digits at all', 'no digits at all'],
  ])('%s → %s', (message, key) => {
    expect(normalizeMessage(message)).toBe(key);
  });

  it('groups messages that differ only in numbers and ids', () => {
    const a = normalizeMessage('Timeout after 5012 ms calling model-7 (req 9f2c)');
    const b = normalizeMessage('Timeout after 311 ms calling model-12 (req 0b1d)');
    expect(a).toBe(b);
  });

  it('caps the key length', () => {
    const key = normalizeMessage('x'.repeat(10_000));
    expect(key.length).toBe(MAX_MESSAGE_CHARS);
    expect(key.endsWith('…')).toBe(true);
  });
});
