import { gradeFor, healthOf } from '../../../src/domain/log-analysis/health';

describe('health score (README "Daily log report")', () => {
  it.each([
    // errors, critical, slow → score
    [0, 0, 0, 100],
    [20, 0, 0, 100],
    [21, 0, 0, 90],
    [50, 0, 0, 90],
    [51, 0, 0, 75],
    [100, 0, 0, 75],
    [101, 0, 0, 60],
    [0, 1, 0, 85],
    [0, 5, 0, 85],
    [0, 6, 0, 70],
    [0, 0, 10, 100],
    [0, 0, 11, 85],
    [0, 0, 20, 85],
    [0, 0, 21, 70],
    [101, 6, 21, 0],
    [51, 1, 11, 45],
  ])('%d errors, %d critical, %d slow → %d', (errors, criticalErrors, slowOperations, score) => {
    expect(healthOf({ errors, criticalErrors, slowOperations }).score).toBe(score);
  });

  it.each([
    [100, 'Excellent'],
    [90, 'Excellent'],
    [89, 'Good'],
    [80, 'Good'],
    [79, 'Fair'],
    [70, 'Fair'],
    [69, 'Poor'],
    [0, 'Poor'],
  ])('score %d is %s', (score, grade) => {
    expect(gradeFor(score)).toBe(grade);
  });

  it('explains the score with its deductions', () => {
    expect(healthOf({ errors: 60, criticalErrors: 2, slowOperations: 25 })).toEqual({
      score: 30,
      grade: 'Poor',
      deductions: [
        { reason: '60 errors', points: 25 },
        { reason: '2 critical errors', points: 15 },
        { reason: '25 slow operations', points: 30 },
      ],
    });
  });
});
