import { messageBytes } from '../../src/bridge/message-bytes';

describe('messageBytes', () => {
  it('counts value, key and every header name and value, in UTF-8 bytes', () => {
    expect(
      messageBytes({
        value: Buffer.alloc(100),
        key: Buffer.from('model'),
        headers: { 'ce-type': 'drift', multi: [Buffer.alloc(10), 'é'], none: undefined },
      }),
    ).toBe(100 + 5 + 'ce-type'.length + 5 + 'multi'.length + 10 + 2 + 'none'.length);
  });

  it('counts a tombstone (no value, no key, no headers) as empty', () => {
    expect(messageBytes({ value: null, key: null })).toBe(0);
  });
});
