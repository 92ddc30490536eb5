import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { attempt, SocketRegistry, type CutKind } from '../support/chaos-client.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { runChaos } from '../support/chaos-run.js';

describe('chaos: 500 streams cut at random points and resumed (memory store)', () => {
  let api: TestApi;
  let token: string;
  const registries = new Map<string, SocketRegistry>();

  beforeAll(async () => {
    api = await startTestApi({ DEMO_TOKEN_DELAY_MS: '1' });
    registries.set(api.url, new SocketRegistry(api.server));
    token = await api.login();
  });
  afterAll(() => api.close());

  it('loses nothing and repeats nothing', async () => {
    const report = await runChaos({ urls: [api.url], token, streams: 500, concurrency: 25, registries, expectedText: demoReply, attempt });
    expect(report.failures).toEqual([]);
    expect(report.completed).toBe(500);
    expect(report.cuts.get('client-abort' as CutKind)).toBeGreaterThan(100);
    expect(report.cuts.get('server-destroy' as CutKind)).toBeGreaterThan(100);
    expect(report.resumedSeveralTimes).toBeGreaterThan(50);
  });
});
