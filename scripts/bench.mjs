// `npm run bench`: runs bench/cli.ts pinned to core 1 (the servers it starts take core 0).
import { spawnSync } from 'node:child_process';

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
const command = [process.execPath, '--import', 'tsx', 'bench/cli.ts', ...process.argv.slice(2)];
const [file, ...args] = hasTaskset ? ['taskset', '-c', '1', ...command] : command;
const run = spawnSync(file, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
