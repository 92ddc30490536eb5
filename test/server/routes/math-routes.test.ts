import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

describe('POST /math', () => {
  let api: TestApi;
  let token: string;
  const post = (body: unknown, bearer: string | undefined = token) =>
    fetch(`${api.url}/math`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    api = await startTestApi();
    token = await api.login();
  });
  afterAll(() => api.close());

  it('renders each formula to MathML, inline or as a block, and gives null for what is not TeX', async () => {
    const res = await post({ formulas: [{ tex: '\\frac{a}{b}', display: false }, { tex: 'e^{i\\pi}+1=0', display: true }, { tex: '\\frac{a}{', display: false }] });
    expect(res.status).toBe(200);
    const { mathml } = (await res.json()) as { mathml: (string | null)[] };
    expect(mathml[0]).toMatch(/^<math[^>]*><mfrac><mi>a<\/mi><mi>b<\/mi><\/mfrac><\/math>$/);
    expect(mathml[1]).toMatch(/^<math display="block"/);
    expect(mathml.join("")).not.toMatch(/style=|class=/);
    expect(mathml[2]).toBeNull();
  });

  it('runs model output untrusted: no links, no runaway macros', async () => {
    const { mathml } = (await (await post({ formulas: [{ tex: '\\href{javascript:alert(1)}{x}', display: false }, { tex: '\\def\\a{\\a\\a}\\a', display: false }] })).json()) as {
      mathml: (string | null)[];
    };
    expect(mathml[0] ?? '').not.toMatch(/href=|<a\b/);
    expect(mathml[1]).toBeNull();
  });

  it('answers bad requests with a status and a JSON error', async () => {
    const cases: [unknown, string, number, string][] = [
      [{ formulas: [{ tex: 'x', display: false }] }, '', 401, 'unauthorized'],
      [{ formulas: [] }, token, 400, 'invalid_math'],
      [{ formulas: [{ tex: 'x' }] }, token, 400, 'invalid_math'],
      [{ formulas: [{ tex: 'x'.repeat(2001), display: false }] }, token, 400, 'invalid_math'],
      [{ formulas: Array(65).fill({ tex: 'x', display: false }) }, token, 400, 'invalid_math'],
      ['{"formulas": [', token, 400, 'invalid_json'],
    ];
    for (const [body, bearer, status, code] of cases) {
      const res = await post(body, bearer);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
  });
});
