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
    expect(await res.json()).toEqual({ max_message_length: 1234 });
  });
});
