import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../../server/agents/demo-agent.js';
import { loadConfig } from '../../../server/config.js';
import { behave, FakeOpenAI } from '../../support/fake-openai.js';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('choosing the agent with metadata.agent', () => {
  let fake: FakeOpenAI;
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    api = await startTestApi(fake.env({ AGENT: 'demo', AGENTS: 'demo,openai', OPENAI_SYSTEM_PROMPT: 'You sell shoes.' }));
    token = await api.login();
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  it('answers with the default agent when the request names none', async () => {
    const requests = fake.requests.length;
    expect(replyText(await readAllEvents(await postChat(api.url, token, { message: 'hello' })))).toBe(demoReply('hello'));
    expect(fake.requests.length).toBe(requests);
  });

  it('answers with the named agent, which gets its own system prompt', async () => {
    fake.use(behave.reply(['Size 42 is in stock.']));
    expect(replyText(await readAllEvents(await postChat(api.url, token, { message: 'shoes?', metadata: { agent: 'openai' } })))).toBe('Size 42 is in stock.');
    expect(fake.last.body.messages).toEqual([
      { role: 'system', content: 'You sell shoes.' },
      { role: 'user', content: 'shoes?' },
    ]);
    expect(replyText(await readAllEvents(await postChat(api.url, token, { message: 'hi', metadata: { agent: 'demo' } })))).toBe(demoReply('hi'));
  });

  it.each([
    ['an unknown agent', 'gpt-9'],
    ['a name that is not a string', 42],
    ['a name in the wrong case', 'OpenAI'],
  ])('refuses %s with 400 before any event is sent', async (_name, agent) => {
    const res = await postChat(api.url, token, { message: 'hi', metadata: { agent } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: 'unknown_agent', message: '"metadata.agent" must name one of the agents this API offers: demo, openai.' },
    });
  });
});

describe('an agent that is configured but not allowed', () => {
  it('is refused with 400: AGENTS defaults to AGENT alone', async () => {
    const api = await startTestApi({ AGENT: 'demo', OPENAI_MODEL: 'test-model' });
    try {
      const res = await postChat(api.url, await api.login(), { message: 'hi', metadata: { agent: 'openai' } });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/offers: demo\.$/);
    } finally {
      await api.close();
    }
  });
});

describe('agent configuration', () => {
  it('defaults to the demo agent alone, a 25 ms flush interval and 8 KiB chunks', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ agent: 'demo', chunkFlushMs: 25, chunkMaxBytes: 8192, mcpServers: [] });
    expect(config.agents.map((agent) => [agent.name, agent.provider])).toEqual([['demo', 'demo']]);
  });

  it('reads the openai agent’s settings', () => {
    const config = loadConfig({
      AGENT: 'openai',
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      OPENAI_MODEL: 'llama3.2',
      OPENAI_TIMEOUT_MS: '5000',
      OPENAI_STALL_MS: '2000',
      OPENAI_HEADERS: '{"api-key":"azure-key"}',
      OPENAI_SYSTEM_PROMPT: 'Line one.\\nLine two.',
    });
    expect(config.agent).toBe('openai');
    expect(config.agents).toHaveLength(1);
    expect(config.agents[0]).toMatchObject({
      name: 'openai',
      provider: 'openai',
      systemPrompt: 'Line one.\nLine two.',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: undefined,
      model: 'llama3.2',
      timeoutMs: 5000,
      stallMs: 2000,
      headers: { 'api-key': 'azure-key' },
      tools: '*',
      maxToolSteps: 5,
    });
  });

  it.each([
    [{ AGENT: 'claude' }, /AGENT or AGENTS names "claude", which is neither built in \(demo, openai, anthropic, google\) nor defined in AGENTS_CONFIG/],
    [{ AGENTS: 'openai', OPENAI_MODEL: 'm' }, /AGENTS must include the default agent AGENT=demo/],
    [{ AGENT: 'openai' }, /OPENAI_MODEL is required/],
    [{ AGENT: 'openai', OPENAI_MODEL: 'gpt-4o-mini' }, /OPENAI_API_KEY is required by the openai agent on api\.openai\.com/],
    [{ AGENT: 'openai', OPENAI_MODEL: 'm', OPENAI_BASE_URL: 'localhost:11434' }, /OPENAI_BASE_URL must be an http\(s\) URL/],
    [{ AGENT: 'openai', OPENAI_MODEL: 'm', OPENAI_API_KEY: 'k', OPENAI_HEADERS: '["x"]' }, /OPENAI_HEADERS must be a JSON object/],
    [{ AGENT: 'openai', OPENAI_MODEL: 'm', OPENAI_API_KEY: 'k', OPENAI_HEADERS: '{"X-Bad":"a\\r\\nInjected: 1"}' }, /OPENAI_HEADERS must be a JSON object/],
    [{ CHUNK_FLUSH_MS: '-1' }, /CHUNK_FLUSH_MS must be a whole number/],
    [{ CHUNK_MAX_BYTES: '0' }, /CHUNK_MAX_BYTES must be a whole number from 1/],
  ])('refuses a bad setting, saying what to set (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('AGENTS_CONFIG and MCP_CONFIG', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, json: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
    return path;
  };

  it('defines named agents with their provider, model, prompt, tools and limits', () => {
    const path = file('agents.json', {
      agents: { support: { provider: 'anthropic', model: 'claude-x', api_key_env: 'SUPPORT_KEY', system_prompt: 'Be kind.', tools: ['shop/search_products'], max_tool_steps: 2 } },
    });
    const config = loadConfig({ AGENT: 'support', AGENTS: 'support,demo', AGENTS_CONFIG: path, SUPPORT_KEY: 'k' });
    expect(config.agents[0]).toMatchObject({ name: 'support', provider: 'anthropic', model: 'claude-x', apiKey: 'k', baseUrl: 'https://api.anthropic.com/v1', systemPrompt: 'Be kind.', tools: ['shop/search_products'], maxToolSteps: 2 });
    expect(config.agents[1]).toMatchObject({ name: 'demo', provider: 'demo' });
  });

  it('reads MCP servers over stdio and Streamable HTTP', () => {
    const path = file('mcp.json', { mcpServers: { files: { command: 'npx', args: ['-y', 'x'], env: { A: '1' } }, remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer t' } } } });
    expect(loadConfig({ MCP_CONFIG: path }).mcpServers).toEqual([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['-y', 'x'], env: { A: '1' }, cwd: undefined },
      { name: 'remote', transport: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer t' } },
    ]);
  });

  it.each([
    [() => ({ AGENTS_CONFIG: file('bad.json', '{') }), /AGENTS_CONFIG: cannot read .*bad\.json as JSON/],
    [() => ({ AGENT: 'x', AGENTS_CONFIG: file('no-model.json', { agents: { x: { provider: 'openai' } } }) }), /AGENTS_CONFIG: agent "x" in AGENTS_CONFIG needs a "model"/],
    [() => ({ AGENT: 'x', AGENTS_CONFIG: file('no-key.json', { agents: { x: { provider: 'google', model: 'g', api_key_env: 'NOPE_KEY' } } }) }), /reads its key from NOPE_KEY, which is not set/],
    [() => ({ AGENTS_CONFIG: file('provider.json', { agents: { x: { provider: 'cohere' } } }) }), /AGENTS_CONFIG: .*provider\.json at agents\.x\.provider/],
    [() => ({ MCP_CONFIG: file('mcp-bad.json', { mcpServers: { s: { command: 'x', url: 'http://a' } } }) }), /MCP_CONFIG: .*mcp-bad\.json at mcpServers\.s/],
    [() => ({ MCP_CONFIG: join(dir, 'missing.json') }), /MCP_CONFIG: cannot read .*missing\.json as JSON/],
  ])('refuses a bad file, naming the variable (%#)', (env, message) => {
    expect(() => loadConfig(env())).toThrow(message);
  });
});
