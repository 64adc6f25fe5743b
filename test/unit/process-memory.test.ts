import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROCESS_MEMORY_ENV, PROCESS_NODE_FLAGS } from '../../src/workers/process-memory';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The most new space V8 commits while a loop keeps 50,000 young objects alive: the young
 * generation grows under such a load up to its limit (32 MiB on Node's defaults).
 */
function peakNewSpaceMiB(flags: readonly string[]): number {
  const script = `
    const v8 = require('v8');
    const ring = new Array(50000);
    let max = 0;
    for (let i = 0; i < 3e6; i++) {
      ring[i % ring.length] = { i, s: 'x' + i };
      if (i % 10000 === 0) {
        const n = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
        if (n > max) max = n;
      }
    }
    process.stdout.write(String(max / 1048576));`;
  const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return Number(run.stdout);
}

describe('memory settings of a product process', () => {
  it('bound the young generation, which Node leaves at 32 MiB', () => {
    expect(peakNewSpaceMiB([])).toBeGreaterThan(8);
    expect(peakNewSpaceMiB(PROCESS_NODE_FLAGS)).toBeLessThanOrEqual(4);
  });

  it('are the ones the image starts every process with', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...PROCESS_NODE_FLAGS, 'dist/workers/start.js']);
    for (const [name, value] of Object.entries(PROCESS_MEMORY_ENV))
      expect(dockerfile).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
  });

  it('are the ones npm start runs the product with (a value in the environment wins)', () => {
    const start: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
    expect(start).toContain(`node ${PROCESS_NODE_FLAGS.join(' ')} dist/workers/start.js`);
    for (const [name, value] of Object.entries(PROCESS_MEMORY_ENV))
      expect(start).toContain(`${name}=\${${name}-${value}}`);
  });
});
