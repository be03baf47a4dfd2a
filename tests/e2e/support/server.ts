/** The Node server as `npm start` runs it (`node dist/node.mjs`), a child process, ready once /healthz answers. */
import { spawnNode, type Child } from './process.js';
import { nashraEnv } from './env.js';
import { waitFor } from './poll.js';

export type RunningServer = {
  url: string;
  /** The environment it runs with, for the CLI to share (same database, same mail). */
  env: NodeJS.ProcessEnv;
  child: Child;
  stop(): Promise<void>;
};

/**
 * Starts `node dist/node.mjs` with the given Nashra settings (PORT and HOST are
 * required) and waits for /healthz. Stops the process again if it does not become ready.
 */
export async function startServer(settings: Record<string, string> & { PORT: string; HOST: string }): Promise<RunningServer> {
  const env = nashraEnv(settings);
  const child = spawnNode(['dist/node.mjs'], env);
  const url = `http://${settings.HOST}:${settings.PORT}`;
  try {
    await waitFor(
      `${url}/healthz`,
      async () => (await fetch(`${url}/healthz`)).ok,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        giveUpIf: () => (child.exitCode() === undefined ? undefined : `server exited (${child.exitCode()}):\n${child.stdout()}\n${child.stderr()}`),
      },
    );
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { url, env, child, stop: () => child.stop() };
}
