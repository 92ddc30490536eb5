import type { Behaviour, FakeRequest, ScriptedToolCall } from './fake-openai.js';

/** One event of a Messages stream, as Anthropic writes it: named, with its type in the data too. */
function messagesEvent(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The text of the newest `tool_result` block in a Messages request. */
export function lastAnthropicToolResult(request: FakeRequest): string | undefined {
  for (const message of [...(request.body.messages ?? [])].reverse()) {
    if (!Array.isArray(message.content)) continue;
    const block = message.content.findLast((each: { type?: string }) => each.type === 'tool_result') as { content?: unknown } | undefined;
    if (!block) continue;
    if (typeof block.content === 'string') return block.content;
    if (Array.isArray(block.content)) return block.content.map((part: { text?: string }) => part.text ?? '').join('');
    return '';
  }
  return undefined;
}

function open(exchange: Parameters<Behaviour>[0]): void {
  exchange.res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  exchange.res.socket?.setNoDelay(true);
  exchange.res.flushHeaders();
  exchange.res.write(
    messagesEvent({
      type: 'message_start',
      message: { id: 'msg_fake', type: 'message', role: 'assistant', model: 'test-claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } },
    }),
  );
}

function close(exchange: Parameters<Behaviour>[0], stopReason: string, outputTokens: number): void {
  exchange.res.write(messagesEvent({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } }));
  exchange.res.end(messagesEvent({ type: 'message_stop' }));
}

/** Behaviours speaking Anthropic's Messages streaming format, for {@link FakeOpenAI.use}. */
export const anthropic = {
  /** Streams `tokens` as `text_delta`s of one text block, then `end_turn`. */
  reply(tokens: string[]): Behaviour {
    return async (exchange) => {
      open(exchange);
      exchange.res.write(messagesEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      for (const token of tokens) exchange.res.write(messagesEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } }));
      exchange.res.write(messagesEvent({ type: 'content_block_stop', index: 0 }));
      close(exchange, 'end_turn', tokens.length);
    };
  },

  /** A model that says a word, calls a tool (`tool_use` with `input_json_delta`s), then answers with its result. */
  toolCall(call: ScriptedToolCall): Behaviour {
    return async (exchange) => {
      const result = lastAnthropicToolResult(exchange.request);
      if (result !== undefined) return anthropic.reply(call.answer(result))(exchange);
      open(exchange);
      const json = JSON.stringify(call.arguments);
      const half = Math.ceil(json.length / 2);
      exchange.res.write(messagesEvent({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake_1', name: call.name, input: {} } }));
      exchange.res.write(messagesEvent({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } }));
      exchange.res.write(messagesEvent({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(half) } }));
      exchange.res.write(messagesEvent({ type: 'content_block_stop', index: 0 }));
      close(exchange, 'tool_use', 15);
    };
  },
};
