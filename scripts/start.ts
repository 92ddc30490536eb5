// `npm start`: builds the widget and the React example, then runs the API (the real entry file,
// as a child process) and the two demo sites (in this process), and stops them all on Ctrl-C.
// `npm start -- --no-build` skips the builds. Ports: PORT, DEMO_PORT, DEMO_REFUSED_PORT.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ChildGroup, type ChildExit } from '../demo/server/child-group.js';
import { DemoConfigError, PORT_VARIABLES, demoApiEnv, readDemoPorts, type DemoPorts } from '../demo/server/demo-config.js';
import { startDemoSites, type DemoSites } from '../demo/server/demo-sites.js';
import { PortInUseError, assertPortFree } from '../demo/server/listen.js';
import { AGENT_NAME, loadConfig } from '../server/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The API drains running replies for up to SHUTDOWN_GRACE_MS (10 s by default) before exiting. */
const STOP_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 30_000;

const WHAT: Record<keyof DemoPorts, string> = { api: 'the API', allowed: 'the allowed demo site', refused: 'the refused demo site' };

function fail(message: string): never {
  console.error(`ngx-chat: ${message}`);
  process.exit(1);
}

/** Fails with the variable to change when a port is taken, before a minute of building. */
async function checkPorts(ports: DemoPorts): Promise<void> {
  for (const key of Object.keys(ports) as (keyof DemoPorts)[]) {
    try {
      await assertPortFree(ports[key], WHAT[key], key === 'api' ? process.env.HOST : undefined);
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err;
      const variable = PORT_VARIABLES[key];
      fail(`${err.message}: stop what is using it, or set ${variable} to a free port, e.g. ${variable}=${ports[key] + 10} npm start`);
    }
  }
}

/** Resolves once the API answers `/healthz`; rejects if it exits first or takes too long. */
async function waitForApi(apiUrl: string, exited: Promise<ChildExit>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    const ok = await fetch(`${apiUrl}/healthz`).then((res) => res.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(gone ? 'the API exited while starting (see its message above)' : `the API did not answer ${apiUrl}/healthz within ${READY_TIMEOUT_MS / 1000} s`);
}

/** The agent the API answers with, as its configuration names it: `demo agent`, `openai agent, model gpt-4o-mini`. */
function describeAgents(env: Record<string, string | undefined>): string {
  try {
    const config = loadConfig(env);
    return config.agents.map((agent) => (agent.model ? `${agent.name} agent, model ${agent.model}` : `${agent.name} agent`)).join('; ');
  } catch {
    // The API stops with the configuration's message itself; the banner is never printed then.
    return `${env.AGENT ?? AGENT_NAME.demo} agent`;
  }
}

function printUrls(apiUrl: string, sites: DemoSites, agents: string): void {
  const rows = [
    [`API (${agents})`, apiUrl],
    ['Allowed site (in ALLOWED_ORIGINS)', `${sites.allowedUrl}/`],
    ['  themed, dark', `${sites.allowedUrl}/theming.html`],
    ['  strict Content-Security-Policy', `${sites.allowedUrl}/csp.html`],
    ['  React (@lit/react)', `${sites.allowedUrl}/react/`],
    ['  raw stream client', `${sites.allowedUrl}/stream_client.html`],
    ['Refused site (not in ALLOWED_ORIGINS)', `${sites.refusedUrl}/`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log(`\nngx-chat demo is running:\n${rows.map(([label, url]) => `  ${label.padEnd(width)}${url}`).join('\n')}\n\nPress Ctrl-C to stop.\n`);
}

async function main(): Promise<void> {
  let ports: DemoPorts;
  try {
    ports = readDemoPorts();
  } catch (err) {
    if (err instanceof DemoConfigError) fail(err.message);
    throw err;
  }
  await checkPorts(ports);

  const children = new ChildGroup();
  let sites: DemoSites | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    stopping = true;
    children.signal('SIGTERM');
    await sites?.close();
    if (!(await children.settle(STOP_TIMEOUT_MS))) {
      console.error(`ngx-chat: still running after ${STOP_TIMEOUT_MS / 1000} s; killing.`);
      children.signal('SIGKILL');
      await children.settle(2000);
    }
    children.dispose();
    process.exit(code);
  };
  process.once('SIGINT', () => {
    // A second Ctrl-C means now.
    process.once('SIGINT', () => process.exit(130));
    console.log('\nngx-chat: stopping…');
    void stop(0);
  });
  process.once('SIGTERM', () => void stop(0));

  try {
    if (!process.argv.includes('--no-build')) {
      await children.run('npm', ['run', '--silent', 'build:widget'], { cwd: ROOT });
      await children.run('npm', ['run', '--silent', 'build:demo'], { cwd: ROOT });
    }
    const apiUrl = `http://localhost:${ports.api}`;
    sites = await startDemoSites({ allowedPort: ports.allowed, refusedPort: ports.refused, apiUrl: () => apiUrl });
    const apiEnv = demoApiEnv(ports.api, sites.allowedUrl);
    const api = children.start(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: apiEnv });
    void api.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(`ngx-chat: the API stopped (${signal ?? `exit code ${code}`}); stopping the demo.`);
      void stop(1);
    });
    await waitForApi(apiUrl, api.exited);
    printUrls(apiUrl, sites, describeAgents(apiEnv));
  } catch (err) {
    if (stopping) return;
    const key = err instanceof PortInUseError ? (Object.keys(WHAT) as (keyof DemoPorts)[]).find((k) => WHAT[k] === err.what) : undefined;
    console.error(`ngx-chat: ${err instanceof Error ? err.message : String(err)}${key ? `: set ${PORT_VARIABLES[key]} to a free port` : ''}`);
    await stop(1);
  }
}

await main();
