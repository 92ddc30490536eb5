import { dynamicTool, jsonSchema, stepCountIs, streamText, type JSONSchema7, type LanguageModel, type TextStreamPart, type ToolSet } from 'ai';
import { CHUNK_TYPE, type ReplyStep } from '../../protocol/index.js';
import type { ToolBox, ToolOutcome } from '../tools/tool-box.js';
import { AGENT_FAILURE, AgentError, type Agent, type AgentInput, type AgentOutput } from './agent.js';
import { disconnected, errorDetail, malformed, type SettingNames } from './model-errors.js';
import { upstreamFetch } from './upstream-fetch.js';
import { UpstreamWatchdog } from './upstream-watchdog.js';

/** One model, as an agent's configuration gives it. */
export interface ModelSettings {
  /** The name requests use in `metadata.agent`. */
  name: string;
  /** Makes the provider's model, sending its requests with `fetch`. */
  model(fetch: typeof globalThis.fetch): LanguageModel;
  baseUrl: string;
  /** Values never to appear in an error message: the key, header values. */
  secrets: string[];
  /** Where a site owner sets each setting, for error messages. */
  names: SettingNames;
  /** Longest wait for the first token, and longest silence mid-reply, in ms. */
  timeoutMs: number;
  stallMs: number;
  /** Most model calls that may end in tool calls before the reply must be written (`MAX_TOOL_STEPS`). */
  maxToolSteps: number;
  /** Whether the model's reasoning, when it streams some, is passed on as `reasoning` chunks. */
  reasoning: boolean;
}

type Part = TextStreamPart<ToolSet>;

/**
 * An agent on any model the AI SDK reaches (OpenAI and compatible servers, Anthropic, Google):
 * it streams the reply's text, calls the tools it is given — up to `maxToolSteps` rounds, each
 * result handed back to the model — and yields each step as it happens. Every failure becomes
 * an {@link AgentError} that says what to fix, without a credential; stop, the stream timeout
 * and shutdown abort the upstream request and any tool running.
 */
export class ModelAgent implements Agent {
  readonly name: string;

  constructor(private readonly settings: ModelSettings) {
    this.name = settings.name;
  }

  async *reply(input: AgentInput): AsyncIterable<AgentOutput> {
    const { settings } = this;
    const watchdog = new UpstreamWatchdog(input.signal, settings);
    const fetch = upstreamFetch({ watchdog, baseUrl: settings.baseUrl, names: settings.names, secrets: settings.secrets });
    let answered = false;
    try {
      const result = streamText({
        model: settings.model(fetch),
        system: input.systemPrompt,
        messages: input.messages.map(({ role, content }) => ({ role, content })),
        tools: input.tools ? aiTools(input.tools) : undefined,
        stopWhen: stepCountIs(settings.maxToolSteps + 1),
        // upstreamFetch retries a short 429 itself; anything else is the site owner's to know of at once.
        maxRetries: 0,
        abortSignal: watchdog.signal,
      });
      const reasoning = new ReasoningText();
      for await (const part of result.fullStream) {
        const outputs = this.outputsOf(part, reasoning, input);
        if (outputs.length > 0 && !answered) {
          answered = true;
          watchdog.firstToken();
        }
        yield* outputs;
      }
      const rest = reasoning.take();
      if (rest) yield rest;
    } catch (err) {
      throw this.failure(err, watchdog, input.signal, answered);
    } finally {
      watchdog.release();
    }
  }

  /** What one part of the AI SDK's stream yields, in order; throws for a failure or a cut reply. */
  private outputsOf(part: Part, reasoning: ReasoningText, input: AgentInput): AgentOutput[] {
    switch (part.type) {
      case 'text-delta':
        return part.text === '' ? [] : withReasoning(reasoning, [part.text]);
      case 'reasoning-delta':
        if (this.settings.reasoning) reasoning.add(part.text);
        return [];
      case 'tool-call':
        return withReasoning(reasoning, [
          { type: CHUNK_TYPE.toolCall, tool_call_id: part.toolCallId, name: part.toolName, ...titleOf(input.tools, part.toolName), arguments: argumentsOf(part.input) },
        ]);
      case 'tool-result':
        return [{ type: CHUNK_TYPE.toolResult, tool_call_id: part.toolCallId, name: part.toolName, ...outcomeOf(part.output) }];
      case 'tool-error':
        // The model asked for a tool it does not have, or with arguments its schema refuses.
        return [{ type: CHUNK_TYPE.toolResult, tool_call_id: part.toolCallId, name: part.toolName, status: 'error', content: errorText(part.error) }];
      case 'source':
        return part.sourceType === 'url' ? withReasoning(reasoning, [{ type: CHUNK_TYPE.source, url: part.url, ...(part.title ? { title: part.title } : {}) }]) : [];
      case 'finish-step':
        throwIfCut(part.finishReason, this.settings.names);
        return [];
      case 'finish':
        input.onUsage?.({ input_tokens: part.totalUsage.inputTokens ?? 0, output_tokens: part.totalUsage.outputTokens ?? 0 });
        return [];
      case 'error':
        throw part.error;
      default:
        return [];
    }
  }

  /** What a failure tells the reader: an {@link AgentError} as it is, the watchdog's, or one made from the AI SDK's error. */
  private failure(err: unknown, watchdog: UpstreamWatchdog, signal: AbortSignal, answered: boolean): unknown {
    const ours = agentErrorIn(err);
    if (ours) return ours;
    if (watchdog.expired) return watchdog.expired;
    if (signal.aborted) return err;
    const name = err instanceof Error ? err.name : '';
    if (name === 'AI_JSONParseError') return malformed('an event whose data is not JSON', this.settings.names);
    if (name === 'AI_TypeValidationError') return malformed('an event that is not one of its chunks', this.settings.names);
    // An error the provider sent inside its stream arrives as its JSON object, not an Error.
    if (!(err instanceof Error)) return new AgentError('The model provider failed mid-reply; try again.', AGENT_FAILURE.upstream, errorDetail(JSON.stringify(err) ?? '', this.settings.secrets));
    const detail = errorDetail(err.message, this.settings.secrets);
    if (answered) return new AgentError('The model provider failed mid-reply; try again.', AGENT_FAILURE.upstream, detail);
    return disconnected();
  }
}

/** An {@link AgentError} our fetch threw, as it is or as the cause the AI SDK wrapped it in. */
function agentErrorIn(err: unknown, depth = 0): AgentError | undefined {
  if (err instanceof AgentError) return err;
  if (depth < 3 && err instanceof Error && err.cause !== undefined) return agentErrorIn(err.cause, depth + 1);
  return undefined;
}

/** Reasoning deltas gathered into one `reasoning` step, yielded before whatever follows them. */
class ReasoningText {
  private text = '';
  private startedAt = 0;
  add(delta: string): void {
    if (this.text === '') this.startedAt = performance.now();
    this.text += delta;
  }
  take(): ReplyStep | undefined {
    if (this.text === '') return undefined;
    const step: ReplyStep = { type: CHUNK_TYPE.reasoning, content: this.text, seconds: Math.round((performance.now() - this.startedAt) / 1000) };
    this.text = '';
    return step;
  }
}

function withReasoning(reasoning: ReasoningText, outputs: AgentOutput[]): AgentOutput[] {
  const step = reasoning.take();
  return step ? [step, ...outputs] : outputs;
}

/** The reply was cut by the model's output limit, or by its provider's filter: say so after its text. */
function throwIfCut(reason: string, names: SettingNames): void {
  if (reason === 'length') {
    throw new AgentError(
      `The reply was cut: the model reached its output token limit (${names.cutReason}). Ask for a shorter answer, or raise the limit for ${names.model} on the model server.`,
      AGENT_FAILURE.truncated,
    );
  }
  if (reason === 'content-filter') throw new AgentError("The model provider's content filter stopped the reply.", AGENT_FAILURE.filtered);
}

/** The agent's tools as the AI SDK takes them: each result goes back to the model as text. */
function aiTools(box: ToolBox): ToolSet {
  const tools: ToolSet = {};
  for (const tool of box.list()) {
    tools[tool.name] = dynamicTool({
      description: tool.description,
      inputSchema: jsonSchema(tool.inputSchema as JSONSchema7),
      execute: (args, { abortSignal }) => tool.call(argumentsOf(args), abortSignal ?? new AbortController().signal),
      toModelOutput: ({ output }) => {
        const outcome = outcomeOf(output);
        return outcome.status === 'ok' ? { type: 'text', value: outcome.content } : { type: 'error-text', value: outcome.content };
      },
    });
  }
  return tools;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function argumentsOf(input: unknown): Record<string, unknown> {
  return isRecord(input) ? input : {};
}

function titleOf(tools: ToolBox | undefined, name: string): { title?: string } {
  const title = tools?.get(name)?.title;
  return title ? { title } : {};
}

/** A tool's outcome, as our tools return it (anything else is reported as it is). */
function outcomeOf(output: unknown): ToolOutcome {
  if (isRecord(output) && (output.status === 'ok' || output.status === 'error') && typeof output.content === 'string') return { status: output.status, content: output.content };
  return { status: 'ok', content: typeof output === 'string' ? output : JSON.stringify(output) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
