import { html, nothing, type TemplateResult } from 'lit';
import { CHUNK_TYPE, type ReasoningStep, type ReplyStep, type SourceStep, type ToolCallStep, type ToolResultStep } from '../../protocol/index.js';
import type { NgxChatStrings } from './strings.js';
import { TOOL_PHASE, toolLabel } from './tool-labels.js';

/** A tool call with its result, once it came. */
interface ToolRow {
  call: ToolCallStep;
  result?: ToolResultStep;
}

/** What shows above a reply's text, in the order it happened. */
type Activity = { kind: 'tool'; row: ToolRow } | { kind: 'reasoning'; step: ReasoningStep };

/** The reasoning and tool calls of `steps`, each result joined to its call. */
function activityOf(steps: readonly ReplyStep[]): Activity[] {
  const activity: Activity[] = [];
  const rows = new Map<string, ToolRow>();
  for (const step of steps) {
    if (step.type === CHUNK_TYPE.toolCall) {
      const row = { call: step };
      rows.set(step.tool_call_id, row);
      activity.push({ kind: 'tool', row });
    } else if (step.type === CHUNK_TYPE.toolResult) {
      const row = rows.get(step.tool_call_id);
      if (row) row.result = step;
    } else if (step.type === CHUNK_TYPE.reasoning) {
      activity.push({ kind: 'reasoning', step });
    }
  }
  return activity;
}

/** Whether a tool call in `steps` has no result yet. */
export function toolRunning(steps: readonly ReplyStep[] | undefined): boolean {
  const answered = new Set(steps?.flatMap((step) => (step.type === CHUNK_TYPE.toolResult ? [step.tool_call_id] : [])));
  return steps?.some((step) => step.type === CHUNK_TYPE.toolCall && !answered.has(step.tool_call_id)) ?? false;
}

/** A block of a tool's arguments or result: scrollable sideways, so reachable by keyboard. */
const block = (label: string, text: string) => html`<div class="step-heading">${label}</div><pre tabindex="0" aria-label=${label}>${text}</pre>`;

/**
 * One tool call as a compact row — "Searching products…", then "Searched products" with ✓, or
 * ✗ on error — that expands to its arguments and result. Both are shown as text: a tool's output
 * is never HTML here.
 */
function renderToolRow({ call, result }: ToolRow, strings: NgxChatStrings): TemplateResult {
  const phase = !result ? TOOL_PHASE.running : result.status === 'ok' ? TOOL_PHASE.done : TOOL_PHASE.failed;
  const icon = phase === TOOL_PHASE.running ? html`<span class="spinner"></span>` : phase === TOOL_PHASE.done ? '✓' : '✗';
  return html`<details part="tool-step" class="step tool-step ${phase}">
    <summary><span class="step-icon" aria-hidden="true">${icon}</span><span dir="auto">${toolLabel(call, phase, strings)}</span></summary>
    ${block(strings.toolArguments, JSON.stringify(call.arguments, null, 2))}${result ? block(strings.toolResult, result.content) : nothing}
  </details>`;
}

function renderReasoning(step: ReasoningStep, strings: NgxChatStrings): TemplateResult {
  const summary = step.seconds === undefined ? strings.thought : strings.thoughtFor.replace('{seconds}', String(step.seconds));
  return html`<details part="reasoning" class="step reasoning">
    <summary>${summary}</summary>
    <div class="reasoning-text" dir="auto">${step.content}</div>
  </details>`;
}

/** What the agent did before and while writing: reasoning and tool calls, above the reply's text. */
export function renderActivity(steps: readonly ReplyStep[] | undefined, strings: NgxChatStrings): TemplateResult | typeof nothing {
  if (!steps?.length) return nothing;
  const activity = activityOf(steps);
  if (activity.length === 0) return nothing;
  return html`<div class="steps">${activity.map((item) => (item.kind === 'tool' ? renderToolRow(item.row, strings) : renderReasoning(item.step, strings)))}</div>`;
}

/** An http(s) URL to link to, or undefined for anything else (`javascript:`, relative…). */
function safeUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The reply's sources as links under it, each once; a source that is not an http(s) URL is left out. */
export function renderSources(steps: readonly ReplyStep[] | undefined, strings: NgxChatStrings): TemplateResult | typeof nothing {
  const seen = new Set<string>();
  const sources = (steps ?? []).filter((step): step is SourceStep => step.type === CHUNK_TYPE.source && !!safeUrl(step.url) && !seen.has(step.url) && !!seen.add(step.url));
  if (sources.length === 0) return nothing;
  return html`<nav part="sources" class="sources" aria-label=${strings.sources}>
    <span class="step-heading" aria-hidden="true">${strings.sources}</span>
    <ol>
      ${sources.map((source) => html`<li><a href=${source.url} target="_blank" rel="noopener noreferrer nofollow" dir="auto">${source.title?.trim() || safeUrl(source.url)?.hostname}</a></li>`)}
    </ol>
  </nav>`;
}
