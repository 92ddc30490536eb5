import { readFileSync } from 'node:fs';
import { TokenIssuer } from '../server/auth/token-issuer.js';
import { DEV_JWT_SECRET } from '../server/config.js';
import { startNginx } from './nginx-process.js';
import { writeReport, type BenchResults } from './report.js';
import { ALL_CORES, buildBenchServers, PINNED, pinned, ROOT, startBenchServer, startRedis, type ServerProcess } from './server-process.js';
import { BROWSER_ENCODING, compressionCost, FULL, heldStreams, pacedReplies, QUICK, resumeLatency, shortReplies, warmUp, type Scale, type Target } from './workloads.js';

/**
 * `npm run bench`: with `--url` (and `--token`, or it logs in as test/test), measures that API;
 * without, runs the whole matrix — each server started as its own process pinned to core 0, the
 * load generated from this process on core 1 — and writes bench/results.json and BENCHMARKS.md.
 */
interface Args {
  url?: string;
  token?: string;
  quick: boolean;
  /** Only regenerate BENCHMARKS.md from bench/results.json (after editing bench/NOTES.md). */
  report: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, report: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--report') args.report = true;
    else if (arg === '--url') args.url = argv[++i];
    else if (arg === '--token') args.token = argv[++i];
    else if (arg === '--help') {
      console.log('usage: npm run bench -- [--quick | --report] [--url http://localhost:8000 [--token JWT]]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg}; see --help`);
      process.exit(2);
    }
  }
  return args;
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'test' }) });
  if (!res.ok) throw new Error(`login at ${url} failed with ${res.status}; pass --token`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Measures an API someone else started: short replies, paced replies and resume. */
async function benchUrl(url: string, token: string, scale: Scale): Promise<void> {
  const target: Target = { server: { url }, token };
  const results = {
    short: await shortReplies(target, scale, 'short replies'),
    paced: await pacedReplies(target, scale, 'identity', 'paced replies'),
    pacedBrowser: await pacedReplies(target, scale, BROWSER_ENCODING, 'paced replies, browser encoding'),
    resume: await resumeLatency(target, scale, 'resume'),
  };
  console.log(JSON.stringify(results, null, 2));
}

/** A server of the matrix, and what it is measured on. */
interface ServerSpec {
  name: string;
  script: string;
  env?: Record<string, string>;
  redis?: boolean;
  /** Also measured with a browser's encoding, on resume and (memory only) compression. */
  ours?: boolean;
  ws?: boolean;
  /** Measured with a browser's encoding only: the baseline for that row. */
  compressedBaseline?: boolean;
  /** Also measured with users arriving over 2 s and re-opening as soon as a reply ends. */
  reopen?: boolean;
  /** Measured on short replies only, its process tree unpinned (WORKERS uses both cores). */
  allCores?: boolean;
  /** Two instances of it, pinned to core 0 with nginx, behind nginx round-robin. */
  nginxPair?: boolean;
}

/** Every server of the matrix, the baselines first. */
const SERVERS: ServerSpec[] = [
  { name: 'node:http (bare)', script: 'node-http-server.ts' },
  { name: 'Express + JWT (bare)', script: 'express-server.ts', reopen: true },
  { name: 'Express + JWT + compression (bare)', script: 'express-server.ts', env: { BENCH_COMPRESSION: 'sse' }, compressedBaseline: true },
  { name: 'better-sse on Express', script: 'better-sse-server.ts' },
  { name: 'ngx-chat API (memory)', script: 'api-server.ts', ours: true, reopen: true },
  { name: 'ngx-chat API (Redis)', script: 'api-server.ts', ours: true, redis: true, reopen: true },
  { name: 'ngx-chat API (WebSocket)', script: 'api-server.ts', ws: true },
  { name: 'ngx-chat API (Redis, WORKERS=2, both cores)', script: 'api-server.ts', redis: true, env: { WORKERS: '2' }, allCores: true },
  { name: 'ngx-chat API (Redis, 2 instances behind nginx)', script: 'api-server.ts', redis: true, nginxPair: true },
];

/** Every workload of the matrix that applies to `spec`, on the server `target` points at; adds its figures to `results`. */
async function measureServer(spec: ServerSpec, target: Target, scale: Scale, results: BenchResults, across?: { startUrl: string; resumeUrl: string }): Promise<void> {
  if (spec.compressedBaseline) {
    await warmUp(target, scale);
    results.compressedBaseline = { name: spec.name, pacedBrowser: await pacedReplies(target, scale, BROWSER_ENCODING, 'paced replies, browser encoding') };
    return;
  }
  const idleRssMiB = Math.round((target.server.rss?.() ?? NaN) / 1024 / 1024);
  const short = await shortReplies(target, scale, 'short replies');
  if (spec.allCores) {
    results.servers.push({ name: spec.name, idleRssMiB, short });
    return;
  }
  const paced = await pacedReplies(target, scale, 'identity', 'paced replies');
  const pacedReopen = spec.reopen ? await pacedReplies(target, scale, 'identity', 'paced replies, re-opening', true) : undefined;
  const pacedBrowser = spec.ours ? await pacedReplies(target, scale, BROWSER_ENCODING, 'paced replies, browser encoding') : undefined;
  const resume = spec.ours || across ? await resumeLatency(target, scale, 'resume', across) : undefined;
  if (across) {
    results.servers.push({ name: spec.name, idleRssMiB, short, paced, resume });
    return;
  }
  // Held streams and compression restart the server, to count memory from a clean start.
  const held = await heldStreams(target, scale, 'identity', 'held streams');
  const row: BenchResults['servers'][number] = { name: spec.name, idleRssMiB, short, paced, pacedReopen, held, pacedBrowser, resume };
  if (spec.ours) {
    row.compression = [];
    for (const encoding of ['identity', 'gzip', 'br']) row.compression.push(await compressionCost(target, scale, encoding, `compression ${encoding}`));
  }
  results.servers.push(row);
}

/**
 * The row of two instances behind nginx: both instances and nginx pinned to core 0, the load
 * through nginx (round-robin), each resume started on one instance and resumed on the other.
 */
async function measureNginxPair(spec: ServerSpec, env: Record<string, string>, token: string, scale: Scale, results: BenchResults): Promise<void> {
  const instances = [await startBenchServer(`${spec.name} A`, spec.script, env), await startBenchServer(`${spec.name} B`, spec.script, env)];
  const nginx = await startNginx(
    instances.map((instance) => new URL(instance.url).host),
    { workerConnections: 4 * scale.pacedStreams + 1024, prefixCommand: pinned(0, []) },
  );
  try {
    const server = {
      url: nginx.url,
      rss: () => instances.reduce((sum, instance) => sum + instance.rss(), 0),
      cpuSeconds: () => instances.reduce((sum, instance) => sum + instance.cpuSeconds(), 0),
    };
    await measureServer(spec, { server, token }, scale, results, { startUrl: instances[0].url, resumeUrl: instances[1].url });
  } finally {
    await nginx.stop();
    for (const instance of instances) await instance.stop();
  }
}

async function benchMatrix(scale: Scale, quick: boolean): Promise<void> {
  const token = new TokenIssuer({ secret: DEV_JWT_SECRET }).issue('bench', 3600).access_token;
  buildBenchServers([...new Set(SERVERS.map((spec) => spec.script))]);
  const results: BenchResults = { quick, pinned: PINNED, startedAt: new Date().toISOString(), node: process.version, servers: [] };
  const began = performance.now();
  for (const spec of SERVERS) {
    process.stderr.write(`${spec.name} (at ${Math.round((performance.now() - began) / 1000)} s)\n`);
    const redis = spec.redis ? await startRedis() : undefined;
    const env: Record<string, string> = { ...spec.env, ...(redis ? { REDIS_URL: redis.url } : {}) };
    if (spec.nginxPair) {
      try {
        await measureNginxPair(spec, env, token, scale, results);
      } finally {
        await redis?.stop();
      }
      continue;
    }
    let server: ServerProcess | undefined;
    const cores = spec.allCores ? ALL_CORES : 0;
    try {
      server = await startBenchServer(spec.name, spec.script, env, cores);
      const target: Target = {
        server,
        token,
        ws: spec.ws,
        restart: async () => {
          await server?.stop();
          server = undefined;
          server = await startBenchServer(spec.name, spec.script, env, cores);
          target.server = server;
        },
      };
      await measureServer(spec, target, scale, results);
    } finally {
      await server?.stop();
      await redis?.stop();
    }
  }
  writeReport(results);
  process.stderr.write(`matrix done in ${Math.round((performance.now() - began) / 1000)} s\n`);
}

const args = parseArgs(process.argv.slice(2));
const scale = args.quick ? QUICK : FULL;
if (args.report) writeReport(JSON.parse(readFileSync(`${ROOT}bench/results.json`, 'utf8')) as BenchResults);
else if (args.url) await benchUrl(args.url, args.token ?? (await login(args.url)), scale);
else await benchMatrix(scale, args.quick);
