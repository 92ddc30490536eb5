import { z } from 'zod';

/** The environment, as `process.env` gives it. */
export type Env = Record<string, string | undefined>;

/** Thrown when an environment variable is missing or malformed; the message says what to set. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What a default may depend on besides the variable itself. */
export interface ConfigContext {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  env: Env;
}

/**
 * One environment variable, declared once: how its text is read (a zod schema), its default, and
 * its row of the README's configuration table, which `test/server/config/readme-table.test.ts`
 * holds to these declarations.
 */
export interface EnvVariable<T> {
  readonly name: string;
  /** The README's "meaning" column. */
  readonly doc: string;
  /** The README's "default" column. */
  readonly defaultText: string;
  /** Reads the variable from `env`: its default when unset or blank. @throws ConfigError */
  read(env: Env, context: ConfigContext): T;
}

/** How to declare a variable. */
interface Declaration<T> {
  name: string;
  doc: string;
  /** Reads the trimmed text. A `custom` issue's message is the whole error message; any other issue makes `NAME must {expects}`. */
  schema: z.ZodType<T, string>;
  /** What a good value does, for the error message "NAME must …": "be a whole number from 0 to 65535". */
  expects: string;
  /** The value when the variable is unset or blank. */
  fallback: T | ((context: ConfigContext) => T);
  /** The README's default column. Defaults to the fallback in backquotes, or — for none. */
  defaultText?: string;
}

/** `url` with any user name and password replaced by `***`, fit for an error message. */
export function redactCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** Declares a variable; see {@link Declaration}. */
export function variable<T>(declaration: Declaration<T>): EnvVariable<T> {
  const { name, schema, fallback } = declaration;
  const defaultText =
    declaration.defaultText ?? (typeof fallback === 'function' || fallback === undefined ? '—' : `\`${String(fallback)}\``);
  return {
    name,
    doc: declaration.doc,
    defaultText,
    read(env, context) {
      const raw = env[name]?.trim();
      if (raw === undefined || raw === '') return typeof fallback === 'function' ? (fallback as (context: ConfigContext) => T)(context) : fallback;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      if (issue?.code === 'custom') throw new ConfigError(issue.message);
      throw new ConfigError(`${name} must ${declaration.expects}, got "${redactCredentials(raw)}".`);
    },
  };
}

/** A whole number from `min` to `max`. */
export function wholeNumber(name: string, fallback: number, min: number, max: number | undefined, doc: string): EnvVariable<number> {
  const top = max ?? Number.MAX_SAFE_INTEGER;
  return variable({
    name,
    doc,
    fallback,
    expects: max === undefined ? `be a whole number of at least ${min}` : `be a whole number from ${min} to ${max}`,
    schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(top)),
  });
}

/** A whole number from `min` to `max`, or nothing when unset. */
export function optionalWholeNumber(name: string, min: number, max: number, doc: string): EnvVariable<number | undefined> {
  return variable<number | undefined>({
    name,
    doc,
    fallback: undefined,
    expects: `be a whole number from ${min} to ${max}`,
    schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max)),
  });
}

/** `on`/`off` (or true/false, 1/0, yes/no). */
export function onOff(name: string, fallback: (context: ConfigContext) => boolean, defaultText: string, doc: string): EnvVariable<boolean> {
  return variable({
    name,
    doc,
    fallback,
    defaultText,
    expects: 'be "on" or "off"',
    schema: z
      .string()
      .toLowerCase()
      .pipe(z.enum(['on', 'true', '1', 'yes', 'off', 'false', '0', 'no']))
      .transform((value) => ['on', 'true', '1', 'yes'].includes(value)),
  });
}

/** Any text, or nothing when unset; `\n` escapes become newlines when `multiline` (an .env file holds one line per variable). */
export function text(name: string, doc: string, options: { multiline?: boolean; defaultText?: string } = {}): EnvVariable<string | undefined> {
  return variable<string | undefined>({
    name,
    doc,
    fallback: undefined,
    defaultText: options.defaultText,
    expects: 'be text',
    schema: z.string().transform((value) => (options.multiline ? value.replace(/\\n/g, '\n') : value)),
  });
}

/** One of `values`. */
export function oneOf<const T extends string>(name: string, values: readonly T[], fallback: T, doc: string): EnvVariable<T> {
  return variable({ name, doc, fallback, expects: `be one of ${values.join(', ')}`, schema: z.enum(values) });
}

/** A schema issue whose message is the whole error message (see {@link variable}). */
export function fail(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}
