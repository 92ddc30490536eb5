import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../../server/config/config-table.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('configuration', () => {
  it("is documented by the README's table exactly as the variables declare it: names, defaults, meanings (npm run docs:config rewrites it)", () => {
    expect(withConfigTable(README)).toBe(README);
  });

  it('is read from the environment only through those declarations', () => {
    const readers = readdirSync(join(ROOT, 'server'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.startsWith('config'))
      .filter((file) => /process\.env|\benv\.[A-Z_]+/.test(readFileSync(join(ROOT, 'server', file), 'utf8')));
    expect(readers).toEqual([]);
  });
});
