/**
 * The environment for a Nashra process: the test runner's own environment without any Nashra
 * setting (so a developer's shell cannot leak in), plus exactly the settings a test names.
 */
import { configSchema } from '../../../src/config.js';

export function nashraEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(configSchema.shape)) delete env[key];
  return { ...env, ...settings };
}
