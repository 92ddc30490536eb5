import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('GET /widget/config', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ MAX_MESSAGE_LENGTH: '1234' });
  });
  afterAll(() => api.close());

  it('tells any page, without a token, the longest message the API accepts', async () => {
    const res = await fetch(`${api.url}/widget/config`, { headers: { Origin: 'https://anywhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await res.json()).toEqual({
      max_message_length: 1234,
      default_agent: 'demo',
      agents: { demo: { starter_prompts: ['Which kettles do you sell?', 'Where is order KC-20418?', 'How do I restyle the chat?'] } },
    });
  });

  it('gives each agent of AGENTS_CONFIG its greeting and starter prompts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ngx-widget-config-'));
    const path = join(dir, 'agents.json');
    writeFileSync(path, JSON.stringify({ agents: { help: { provider: 'demo', greeting: 'Hello from Help.', starter_prompts: ['Track my order'] }, quiet: { provider: 'demo' } } }));
    const other = await startTestApi({ AGENT: 'help', AGENTS: 'help,quiet', AGENTS_CONFIG: path });
    try {
      expect(await (await fetch(`${other.url}/widget/config`)).json()).toEqual({
        max_message_length: 16384,
        default_agent: 'help',
        agents: { help: { greeting: 'Hello from Help.', starter_prompts: ['Track my order'] }, quiet: { starter_prompts: [] } },
      });
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
