/**
 * The health score of README "Daily log report", out of 100:
 * errors > 100 → −40, > 50 → −25, > 20 → −10; critical errors > 5 → −30, > 0 → −15;
 * slow operations > 20 → −30, > 10 → −15. Grade: ≥ 90 Excellent, ≥ 80 Good, ≥ 70 Fair, else Poor.
 * (The largest total deduction is 100, so the score never goes below 0.)
 */

export type HealthGrade = 'Excellent' | 'Good' | 'Fair' | 'Poor';

export interface HealthInput {
  errors: number;
  criticalErrors: number;
  slowOperations: number;
}

export interface Deduction {
  reason: string;
  points: number;
}

export interface Health {
  score: number;
  grade: HealthGrade;
  deductions: Deduction[];
}

function errorDeduction(errors: number): number {
  if (errors > 100) return 40;
  if (errors > 50) return 25;
  if (errors > 20) return 10;
  return 0;
}

function criticalDeduction(critical: number): number {
  if (critical > 5) return 30;
  if (critical > 0) return 15;
  return 0;
}

function slowDeduction(slow: number): number {
  if (slow > 20) return 30;
  if (slow > 10) return 15;
  return 0;
}

/** The grade a score earns. */
export function gradeFor(score: number): HealthGrade {
  if (score >= 90) return 'Excellent';
  if (score >= 80) return 'Good';
  if (score >= 70) return 'Fair';
  return 'Poor';
}

/** Score, grade and the deductions that explain them. */
export function healthOf(input: HealthInput): Health {
  const deductions: Deduction[] = [];
  const e = errorDeduction(input.errors);
  if (e) deductions.push({ reason: `${input.errors} errors`, points: e });
  const c = criticalDeduction(input.criticalErrors);
  if (c) deductions.push({ reason: `${input.criticalErrors} critical errors`, points: c });
  const s = slowDeduction(input.slowOperations);
  if (s) deductions.push({ reason: `${input.slowOperations} slow operations`, points: s });
  const score = Math.max(0, 100 - deductions.reduce((sum, d) => sum + d.points, 0));
  return { score, grade: gradeFor(score), deductions };
}
