import { readSimulatedSilences } from '../../../src/domain/alerting/simulated-silences';

const ONE = {
  matchers: { model: 'fraud' },
  creator: 'ana',
  comment: 'migration',
  endsAt: '2026-03-03T06:00:00Z',
};

describe('readSimulatedSilences', () => {
  it('reads one silence per line, named by position, holding from the start without startsAt', () => {
    const read = readSimulatedSilences(
      `${JSON.stringify(ONE)}\n\n${JSON.stringify({ ...ONE, startsAt: '2026-03-02T23:00:00Z' })}\n`,
    );
    expect(read).toEqual({
      ok: true,
      silences: [
        {
          id: 'silence-1',
          matchers: { model: 'fraud' },
          creator: 'ana',
          comment: 'migration',
          startsAt: new Date(0),
          endsAt: new Date(ONE.endsAt),
        },
        {
          id: 'silence-2',
          matchers: { model: 'fraud' },
          creator: 'ana',
          comment: 'migration',
          startsAt: new Date('2026-03-02T23:00:00Z'),
          endsAt: new Date(ONE.endsAt),
        },
      ],
    });
  });

  it('reads a JSON array and what `silence list --json` prints (its silenceId names it)', () => {
    const listed = {
      ...ONE,
      silenceId: '3f6c',
      startsAt: '2026-03-02T23:00:00Z',
      createdAt: '2026-03-02T22:59:00Z',
    };
    const read = readSimulatedSilences(JSON.stringify([listed]));
    expect(read.ok && read.silences.map((s) => s.id)).toEqual(['3f6c']);
  });

  it.each<[string, string, RegExp]>([
    ['a line that is not JSON', '{"matchers":', /^line 1: not JSON/],
    [
      'a silence without a matcher',
      JSON.stringify({ ...ONE, matchers: {} }),
      /^line 1: a silence needs at least one matcher/,
    ],
    [
      'a silence ending before it starts',
      JSON.stringify({ ...ONE, startsAt: '2026-03-04T00:00:00Z' }),
      /^line 1: endsAt .* is not after startsAt/,
    ],
    ['an entry that is not an object', '[1]', /^entry 1: a silence must be an object/],
    ['no creator', JSON.stringify({ ...ONE, creator: '' }), /^line 1: creator is required/],
  ])('refuses %s, naming where', (_what, text, error) => {
    const read = readSimulatedSilences(text);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors[0]).toMatch(error);
  });
});
