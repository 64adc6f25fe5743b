import fs from 'node:fs';
import { README_PATH, withConfigTable } from '../../scripts/update-readme-config';
import { settingGroups } from '../../src/config';

describe('README', () => {
  const readme = fs.readFileSync(README_PATH, 'utf8');

  it('has the configuration table generated from the settings (run scripts/update-readme-config.ts)', () => {
    expect(readme).toBe(withConfigTable(readme));
  });

  it('documents every variable', () => {
    for (const settings of Object.values(settingGroups)) {
      for (const s of Object.values(settings)) expect(readme).toContain(`\`${s.env}\``);
    }
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
