/** A child process whose output is kept, and which is killed if the test runner exits first. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ROOT } from './paths.js';

export type Child = {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code once it has exited, else undefined (a signal counts as exit code -1). */
  exitCode(): number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
};

/** Runs `node <args>` in the project folder. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = once(child, 'exit').catch(() => undefined);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exitCode: () => (child.exitCode ?? (child.signalCode ? -1 : undefined)),
    async stop(graceMs = 10_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `node <args>` to the end; kills it and throws after `timeoutMs`. */
export async function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 45_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawnNode(args, env);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  await once(child.process, 'close');
  clearTimeout(timer);
  const code = child.exitCode() ?? -1;
  if (child.process.signalCode === 'SIGKILL') throw new Error(`node ${args.join(' ')} timed out after ${timeoutMs} ms\n${child.stderr()}`);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
