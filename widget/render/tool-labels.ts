import type { ToolCallStep } from '../../protocol/index.js';
import type { NgxChatStrings } from './strings.js';

/** Where a tool call stands, as its row says. */
export const TOOL_PHASE = { running: 'running', done: 'done', failed: 'failed' } as const;
export type ToolPhase = (typeof TOOL_PHASE)[keyof typeof TOOL_PHASE];

/** English verbs whose past tense is not "-ed". */
const IRREGULAR_PAST: Record<string, string> = {
  buy: 'bought',
  find: 'found',
  get: 'got',
  give: 'gave',
  make: 'made',
  put: 'put',
  read: 'read',
  run: 'ran',
  see: 'saw',
  send: 'sent',
  set: 'set',
  take: 'took',
  tell: 'told',
  write: 'wrote',
};

/** A short verb ending consonant–vowel–consonant doubles its last letter: get → getting, stop → stopped. */
const DOUBLES = /^[^aeiou]*[aeiou][bdgklmnprt]$/;

/** The -ing form of an English verb: search → searching, use → using, get → getting. */
function presentParticiple(verb: string): string {
  if (verb.endsWith('ie')) return `${verb.slice(0, -2)}ying`;
  if (verb.endsWith('e') && !verb.endsWith('ee')) return `${verb.slice(0, -1)}ing`;
  if (DOUBLES.test(verb)) return `${verb}${verb.at(-1)}ing`;
  return `${verb}ing`;
}

/** The past tense of an English verb: search → searched, get → got, list → listed. */
function pastTense(verb: string): string {
  if (IRREGULAR_PAST[verb]) return IRREGULAR_PAST[verb];
  if (verb.endsWith('e')) return `${verb}d`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ied`;
  if (DOUBLES.test(verb)) return `${verb}${verb.at(-1)}ed`;
  return `${verb}ed`;
}

/** The first word of `title` inflected (`ing` or `ed`), keeping its capital: "Search products" → "Searching products". */
function inflect(title: string, form: 'ing' | 'ed'): string {
  const [first, ...rest] = title.split(' ');
  const verb = first.toLowerCase();
  if (!/^[a-z]+$/.test(verb)) return title;
  const word = form === 'ing' ? presentParticiple(verb) : pastTense(verb);
  const cased = first[0] === first[0].toUpperCase() ? word[0].toUpperCase() + word.slice(1) : word;
  return [cased, ...rest].join(' ');
}

/** A tool's name for people: its title, else its name spaced out ("search_products" → "Search products"). */
export function toolTitle(call: Pick<ToolCallStep, 'name' | 'title'>): string {
  if (call.title?.trim()) return call.title.trim();
  const words = call.name.replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : call.name;
}

/**
 * The row's label for a tool call in `phase`, from the strings: `{tool}` is the tool's title as
 * it is, `{tool:ing}` and `{tool:ed}` its first word inflected as an English verb ("Searching
 * products…", "Searched products"), for languages whose strings ask for it.
 */
export function toolLabel(call: Pick<ToolCallStep, 'name' | 'title'>, phase: ToolPhase, strings: NgxChatStrings): string {
  const template = phase === TOOL_PHASE.running ? strings.toolRunning : phase === TOOL_PHASE.done ? strings.toolDone : strings.toolFailed;
  const title = toolTitle(call);
  return template.replace(/\{tool(?::(ing|ed))?\}/g, (_match, form?: 'ing' | 'ed') => (form ? inflect(title, form) : title));
}
