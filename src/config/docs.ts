import { settingGroups } from '../config';

/** The README's configuration reference, generated from the zod settings. */
export function configurationMarkdown(): string {
  const lines: string[] = [];
  for (const [group, settings] of Object.entries(settingGroups)) {
    lines.push(`**${group}**`, '', '| variable | default | expects | what it does |', '|---|---|---|---|');
    for (const s of Object.values(settings)) {
      const def = s.defaultText === undefined ? '(unset)' : `\`${s.defaultText}\``;
      lines.push(
        `| \`${s.env}\` | ${def} | ${s.expects.replace(/\|/g, '\\|')} | ${s.description.replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}
