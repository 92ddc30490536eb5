import { spawn, type ChildProcess } from 'node:child_process';
import { conversationsFor } from './test-api.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The real entry file running as a child process: what an operator runs. */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Everything it has logged so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `server/main.ts` with `env` on a free port and waits until it listens. */
export function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...conversationsFor(env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const cleanup = () => child.kill('SIGKILL');
  process.once('exit', cleanup);
  void exited.then(() => process.off('exit', cleanup));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start within 20 s:\n${output}`)), 20_000);
    void exited.then(({ code }) => reject(new Error(`the API exited with ${code}:\n${output}`)));
    const check = () => {
      const match = /"port":(\d+)[^\n]*listening/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({ url: `http://127.0.0.1:${match[1]}`, child, output: () => output, exited });
    };
    child.stdout!.on('data', check);
  });
}
