import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReply } from '../../server/agents/demo-agent.js';
import { attempt, SocketRegistry } from '../support/chaos-client.js';
import { runChaos } from '../support/chaos-run.js';
import { canStartRedisCluster, startTestRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { postChat, readAllEvents, readThenDrop } from '../support/sse.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

describe.skipIf(!canStartRedisCluster())('two API instances sharing a Redis Cluster of three masters', () => {
  let cluster: TestRedisCluster;
  let a: TestApi;
  let b: TestApi;
  let token: string;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    // Conversations are not kept in a cluster (README, Redis Cluster); the streams are what is shared.
    const env = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), CONVERSATION_STORE: 'memory', DEMO_TOKEN_DELAY_MS: '1' };
    a = await startTestApi(env);
    b = await startTestApi(env);
    token = await a.login();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.close();
  });

  it('resumes on B, exactly, a stream started on A', async () => {
    const controller = new AbortController();
    const first = await readThenDrop(await postChat(a.url, token, { message: 'hello' }, {}, controller.signal), 5, controller);
    const rest = await readAllEvents(await postChat(b.url, token, {}, { 'Last-Event-ID': first.at(-1)!.id! }));
    const all = [...first, ...rest];
    expect(all.map((event) => Number(event.id!.split(':')[1]))).toEqual(all.map((_event, index) => index + 1));
    expect(all.at(-1)!.event).toBe('end');
  });

  it('chaos: 500 streams cut at random and resumed on the other instance lose and repeat nothing', async () => {
    const registries = new Map([
      [a.url, new SocketRegistry(a.server)],
      [b.url, new SocketRegistry(b.server)],
    ]);
    const report = await runChaos({ urls: [a.url, b.url], token, streams: 500, concurrency: 25, registries, expectedText: demoReply, attempt, seed: 11 });
    expect(report.failures).toEqual([]);
    expect(report.completed).toBe(500);
    expect(report.resumedSeveralTimes).toBeGreaterThan(50);
  });
});
