import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './env-variable.js';

/**
 * Reads the JSON file a variable names and checks it against `schema`.
 * @param variable the variable's name, which starts every message
 * @param hint what the file should look like, ending the message for a bad value
 * @throws ConfigError saying what is wrong where
 */
export function readJsonFile<T>(variable: string, path: string, schema: z.ZodType<T>, hint: string): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${path} as JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${variable}: ${path} at ${issue.path.join('.') || 'the top'}: ${issue.message}; ${hint}`);
  }
  return parsed.data;
}
