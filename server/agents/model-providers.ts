import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { PROVIDER, type AgentDefinition } from '../config.js';

/**
 * The AI SDK's model for an agent's definition, sending every request with `fetch`. OpenAI's own
 * API goes through its provider (Chat Completions); any other OpenAI root — Ollama, vLLM,
 * llama.cpp, LM Studio, OpenRouter, Azure — through the OpenAI-compatible one, which needs no
 * key and asks for the usage at the end of the stream.
 */
export function languageModel(definition: AgentDefinition, fetch: typeof globalThis.fetch): LanguageModel {
  const { baseUrl: baseURL, apiKey, headers, model } = definition;
  switch (definition.provider) {
    case PROVIDER.anthropic:
      return createAnthropic({ baseURL, apiKey, headers, fetch })(model);
    case PROVIDER.google:
      return createGoogleGenerativeAI({ baseURL, apiKey, headers, fetch })(model);
    case PROVIDER.openai:
      if (new URL(baseURL).hostname === 'api.openai.com') return createOpenAI({ baseURL, apiKey, headers, fetch }).chat(model);
      return createOpenAICompatible({ name: 'openai-compatible', baseURL, apiKey, headers, fetch, includeUsage: true })(model);
    default:
      throw new Error(`${definition.provider} is not a model provider`);
  }
}
