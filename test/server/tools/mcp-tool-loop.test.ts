import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic } from '../../support/fake-anthropic.js';
import { useFakeModelApi } from '../../support/fake-model-api.js';
import { behave, type FakeOpenAI } from '../../support/fake-openai.js';
import { scrapeMetric } from '../../support/metrics.js';
import { postChat, readAllEvents, readThenDrop, replyText, sseEvents, type SseMessage } from '../../support/sse.js';
import { waitFor } from '../../support/wait-for.js';

/** server-everything, the MCP project's own test server, run over stdio. */
const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

const dir = mkdtempSync(join(tmpdir(), 'ngx-mcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an `MCP_CONFIG` file with these servers; returns its path. */
function mcpConfig(servers: Record<string, unknown>, name = 'mcp.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ mcpServers: servers }));
  return path;
}

const everything = { command: process.execPath, args: [EVERYTHING, 'stdio'] };

function chunks(events: SseMessage[]): Record<string, unknown>[] {
  return events.filter((event) => event.event === 'chunk').map((event) => JSON.parse(event.data));
}

/** The chunk types in order, runs of content as one. */
function stepTypes(events: SseMessage[]): string[] {
  return chunks(events)
    .map((chunk) => String(chunk.type))
    .filter((type, index, all) => type !== 'content' || all[index - 1] !== 'content');
}

const echo = { name: 'echo', arguments: { message: 'ping' }, answer: (result: string) => ['The tool said: ', result] };

describe.each([
  ['openai', (fake: FakeOpenAI, extra: Record<string, string>) => fake.env(extra), behave.toolCall(echo)],
  ['anthropic', (fake: FakeOpenAI, extra: Record<string, string>) => fake.anthropicEnv(extra), anthropic.toolCall(echo)],
])('an %s agent with server-everything over stdio', (provider, envFor, behaviour) => {
  const setup = useFakeModelApi((fake) => envFor(fake, { MCP_CONFIG: mcpConfig({ everything }, `${provider}.json`) }));

  it('streams tool_call, tool_result, then content that uses the result, and end with the usage', async () => {
    const { fake, api, token } = setup;
    fake.use(behaviour);
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Echo ping, please.' }));
    expect(events.map((event) => event.event).filter((name, index, all) => name !== all[index - 1])).toEqual(['start', 'chunk', 'end']);
    expect(stepTypes(events)).toEqual(['tool_call', 'tool_result', 'content']);
    const [call, result] = chunks(events);
    expect(call).toMatchObject({ type: 'tool_call', name: 'echo', arguments: { message: 'ping' }, chunk_index: 0, is_final: false });
    expect(result).toMatchObject({ type: 'tool_result', tool_call_id: call.tool_call_id, name: 'echo', status: 'ok', content: 'Echo: ping', chunk_index: 1, is_final: false });
    expect(replyText(events)).toBe('The tool said: Echo: ping');
    const end = JSON.parse(events.at(-1)!.data);
    expect(end.usage.input_tokens).toBeGreaterThan(0);
    expect(end.usage.output_tokens).toBeGreaterThan(0);
    // The model was offered the server's tools, and given the result in its provider's format.
    expect(JSON.stringify(fake.requests.at(-2)!.body.tools)).toContain('"echo"');
    expect(JSON.stringify(fake.last.body.messages)).toContain('Echo: ping');
  });

  it('keeps the steps with the assistant message, so a reload restores them', async () => {
    const { fake, api, token } = setup;
    fake.use(behaviour);
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Echo ping again.' }));
    const { conversation_id } = JSON.parse(events[0].data);
    const view = await (await fetch(`${api.url}/conversations/${conversation_id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const reply = view.messages.at(-1);
    expect(reply).toMatchObject({ role: 'assistant', status: 'completed', content: 'The tool said: Echo: ping' });
    expect(reply.parts.map((part: { type: string }) => part.type)).toEqual(['tool_call', 'tool_result', 'text']);
  });
});

describe('tools that fail, servers that are down, and allow-lists', () => {
  const setup = useFakeModelApi((fake) => {
    const agents = join(dir, 'agents.json');
    writeFileSync(
      agents,
      JSON.stringify({
        agents: {
          openai: { provider: 'openai', model: 'test-model', base_url: fake.url, api_key_env: 'TEST_MODEL_KEY' },
          echoer: { provider: 'openai', model: 'test-model', base_url: fake.url, api_key_env: 'TEST_MODEL_KEY', tools: ['everything/echo'] },
        },
      }),
    );
    return fake.env({
      AGENTS: 'openai,echoer',
      AGENTS_CONFIG: agents,
      TEST_MODEL_KEY: 'sk-file-agent',
      TOOL_TIMEOUT_MS: '300',
      MCP_CONFIG: mcpConfig({ everything, missing: { command: join(dir, 'no-such-server') } }, 'failing.json'),
    });
  });

  it('hands a tool’s error to the model as its result, and the model goes on', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.toolCall({ name: 'get-sum', arguments: { a: 'two' }, answer: (result) => [result.includes('Invalid') ? 'That did not work.' : 'It worked?'] }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Add two.' }));
    const result = chunks(events).find((chunk) => chunk.type === 'tool_result');
    expect(result).toMatchObject({ name: 'get-sum', status: 'error' });
    expect(replyText(events)).toBe('That did not work.');
    expect(events.at(-1)!.event).toBe('end');
  });

  it('ends a tool call past TOOL_TIMEOUT_MS with an error result, and the model goes on', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.toolCall({ name: 'trigger-long-running-operation', arguments: { duration: 5, steps: 5 }, answer: () => ['Too slow.'] }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Run the long one.' }));
    expect(chunks(events).find((chunk) => chunk.type === 'tool_result')).toMatchObject({ status: 'error', content: 'The tool failed: no answer within 300 ms (TOOL_TIMEOUT_MS).' });
    expect(replyText(events)).toBe('Too slow.');
  });

  it('reports a server that is down in /readyz, withholds its tools, and keeps chatting', async () => {
    const { fake, api, token } = setup;
    const ready = await (await fetch(`${api.url}/readyz`)).json();
    expect(ready.status).toBe('ready');
    expect(ready.mcp_servers).toEqual([
      { name: 'everything', state: 'up', tools: expect.any(Number) },
      { name: 'missing', state: expect.stringMatching(/^(down|connecting)$/), tools: 0, ...(ready.mcp_servers[1].reason ? { reason: expect.any(String) } : {}) },
    ]);
    expect(ready.mcp_servers[0].tools).toBeGreaterThan(5);
    fake.use(behave.reply(['Still here.']));
    expect(replyText(await readAllEvents(await postChat(api.url, token, { message: 'hi' })))).toBe('Still here.');
  });

  it('offers an agent only the tools its allow-list names', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.reply(['Fine.']));
    await readAllEvents(await postChat(api.url, token, { message: 'hi', metadata: { agent: 'echoer' } }));
    expect(fake.last.body.tools?.map((tool) => tool.function?.name)).toEqual(['echo']);
    expect(fake.last.headers.authorization).toBe('Bearer sk-file-agent');
  });

  it('resumes exactly after a cut in the middle of a tool call', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.toolCall({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 1 }, answer: (result) => ['Done: ', result.slice(0, 20)] }));
    const controller = new AbortController();
    // start, then the tool_call chunk; the connection drops while the tool runs.
    const first = await readThenDrop(await postChat(api.url, token, { message: 'Run it.' }, {}, controller.signal), 2, controller);
    expect(first.map((event) => event.event)).toEqual(['start', 'chunk']);
    expect(JSON.parse(first[1].data).type).toBe('tool_call');
    const rest = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': first[1].id! }));
    const whole = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': first[0].id! }));
    expect([...first.slice(1), ...rest].map((event) => [event.id, event.data])).toEqual(whole.map((event) => [event.id, event.data]));
    expect(stepTypes(rest)).toEqual(['tool_result', 'content']);
    expect(rest.at(-1)!.event).toBe('end');
  });
});

describe('stopping a reply while a tool runs', () => {
  const setup = useFakeModelApi((fake) => fake.env({ MCP_CONFIG: mcpConfig({ everything }, 'stop.json') }));

  it('aborts the tool call: it is counted as failed while, left alone, it would still be running', async () => {
    const { fake, api, token } = setup;
    // A 30 s operation, far inside TOOL_TIMEOUT_MS (30 s by default, counted from the call).
    fake.use(behave.toolCall({ name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 }, answer: () => ['Never.'] }));
    const controller = new AbortController();
    const res = await postChat(api.url, token, { message: 'Run the long one.' }, {}, controller.signal);
    const seen: SseMessage[] = [];
    const reading = (async () => {
      for await (const event of sseEvents(res.body!)) seen.push(event);
    })();
    await waitFor(() => seen.some((event) => event.event === 'chunk'), 'the tool_call chunk');
    const { stream_id } = JSON.parse(seen[0].data);
    const stopped = await fetch(`${api.url}/stream/chat/${stream_id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(stopped.status).toBe(204);
    await reading;
    expect(seen.at(-1)!.event).toBe('end');
    expect(JSON.parse(seen.at(-1)!.data).status).toBe('cancelled');
    await waitFor(async () => (await scrapeMetric(api.url, 'tool_calls_total')).get('tool=trigger-long-running-operation,status=error') === 1, 'the aborted call to be counted');
  });
});

describe('an MCP server over Streamable HTTP', () => {
  let server: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    server.stderr!.on('data', (data: Buffer) => (said += data.toString()));
    await waitFor(() => said.includes('listening on port'), 'server-everything to listen');
  });
  afterAll(() => server.kill());
  // Registered after the server's hooks: it starts once the server listens, and stops before it.
  const setup = useFakeModelApi((fake) => fake.env({ MCP_CONFIG: mcpConfig({ everything: { url: `http://127.0.0.1:${port}/mcp` } }, 'http.json') }));

  it('calls its tools like a stdio server’s', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.toolCall(echo));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Echo ping.' }));
    expect(stepTypes(events)).toEqual(['tool_call', 'tool_result', 'content']);
    expect(replyText(events)).toBe('The tool said: Echo: ping');
  });
});

/** A loopback port free a moment ago, for a server that cannot listen on port 0 and say which it got. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
