import { afterAll, beforeAll } from 'vitest';
import { FakeOpenAI } from './fake-openai.js';
import { startTestApi, type TestApi } from './test-api.js';

/** A fake model server, an API configured against it, and a signed-in user's token. */
export interface FakeModelApi {
  fake: FakeOpenAI;
  api: TestApi;
  token: string;
}

/**
 * Starts a {@link FakeOpenAI} and a test API with the environment `envFor` makes for it before
 * the suite's tests, and closes both after them. The returned object is filled in by then.
 */
export function useFakeModelApi(envFor: (fake: FakeOpenAI) => Record<string, string>): FakeModelApi {
  const context = {} as FakeModelApi;
  beforeAll(async () => {
    context.fake = await FakeOpenAI.start();
    context.api = await startTestApi(envFor(context.fake));
    context.token = await context.api.login();
  });
  afterAll(async () => {
    await context.api?.close();
    await context.fake?.close();
  });
  return context;
}
