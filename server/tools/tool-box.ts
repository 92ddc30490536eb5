/** What a tool answered: its text, or why it failed (the model is told either way, and goes on). */
export interface ToolOutcome {
  status: 'ok' | 'error';
  /** The tool's output, or the failure, as text: capped. */
  content: string;
}

/** One tool an agent may call. */
export interface Tool {
  /** Unique among the agent's tools: what the model calls it by. */
  name: string;
  /** A name for people, when the tool's server gives one. */
  title?: string;
  description: string;
  /** JSON Schema of its arguments (an object). */
  inputSchema: Record<string, unknown>;
  /** Runs the tool; never throws: a failure or a timeout is an `error` outcome. */
  call(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
}

/** The tools one agent may call now (a server that is down has withdrawn its own). */
export interface ToolBox {
  list(): Tool[];
  get(name: string): Tool | undefined;
}
