import { configurationMarkdown } from '../config/docs';

/** `mlops-guardian config`: the configuration reference, as the README shows it. */
export async function run(_args: string[]): Promise<number> {
  process.stdout.write(configurationMarkdown());
  return 0;
}
