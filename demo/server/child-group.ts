import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The child processes of `npm start`. Each runs in its own process group, so a signal reaches
 * everything it started (`npm run` → `sh` → `vite`), where signalling the child alone would
 * orphan its own children. If this process exits without stopping them, they are killed.
 */
export class ChildGroup {
  private readonly running = new Map<ChildProcess, Promise<ChildExit>>();
  private readonly killAll = () => this.signal('SIGKILL');

  constructor() {
    process.on('exit', this.killAll);
  }

  /** Starts `command`; the promise resolves when it exits, however it exits. */
  start(command: string, args: string[], options: SpawnOptions = {}): { child: ChildProcess; exited: Promise<ChildExit> } {
    const child = spawn(command, args, { stdio: 'inherit', ...options, detached: true });
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('error', (err) => {
        console.error(`ngx-chat: could not run ${command}: ${err.message}`);
        resolve({ code: 127, signal: null });
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    this.running.set(child, exited);
    void exited.then(() => this.running.delete(child));
    return { child, exited };
  }

  /**
   * Runs `command` to completion.
   * @throws Error when it exits with a failure.
   */
  async run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
    const { code, signal } = await this.start(command, args, options).exited;
    if (code !== 0) throw new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit code ${code}`})`);
  }

  /** Sends `signal` to the process group of every running child. */
  signal(signal: NodeJS.Signals): void {
    for (const child of this.running.keys()) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group ended between its exit and our bookkeeping; nothing left to signal.
      }
    }
  }

  /** Resolves once every running child has exited, or after `timeoutMs` with false. */
  async settle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const all = Promise.all(this.running.values()).then(() => true);
    const settled = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return settled;
  }

  /** Stops tracking this process's exit (everything has been stopped). */
  dispose(): void {
    process.off('exit', this.killAll);
  }
}
