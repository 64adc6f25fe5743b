// Regenerates the README's configuration table from the zod settings (src/config/*).
// A unit test fails when the README and the settings disagree.
import fs from 'node:fs';
import path from 'node:path';
import { configurationMarkdown } from '../src/config/docs';

export const README_PATH = path.resolve(__dirname, '..', 'README.md');
const TABLE = /<!-- config-table:start -->[\s\S]*<!-- config-table:end -->/;

export function withConfigTable(readme: string): string {
  return readme.replace(
    TABLE,
    `<!-- config-table:start -->\n${configurationMarkdown()}<!-- config-table:end -->`,
  );
}

if (require.main === module) {
  fs.writeFileSync(README_PATH, withConfigTable(fs.readFileSync(README_PATH, 'utf8')));
  console.log('README configuration table updated');
}
