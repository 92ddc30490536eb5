import { executeServerCommand } from '@web/test-runner-commands';
import type { NgxChat } from '../../../widget/ngx-chat.js';
import type { ConversationView } from '../../../protocol/index.js';
import type { ApiInfo } from './wtr-api-plugin.js';
import type { TrafficStats } from './test-server.js';

/** The API addresses the test setup started. */
export function apiInfo(): Promise<ApiInfo> {
  return executeServerCommand<ApiInfo, undefined>('api-info');
}

/** What the API has seen since the last {@link resetApi}. */
export function apiStats(): Promise<TrafficStats> {
  return executeServerCommand<TrafficStats, undefined>('api-stats');
}

/** Clears the API's counters and injected failures. */
export async function resetApi(): Promise<void> {
  await executeServerCommand('api-reset');
}

/** Polls `check` every 10 ms until it returns (or resolves to) a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the first `name` event the element fires. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(name, (event) => resolve(event as GlobalEventHandlersEventMap[K]), { once: true }));
}

/** Logs in as the API's development user and returns the token. */
export async function login(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'test', password: 'test' }) });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Creates an `<ngx-chat>` with `attributes`, adds it to the page in a 400×500 box, and waits for its first render. */
export async function fixture(attributes: Record<string, string>, setup: (element: NgxChat) => void = () => undefined): Promise<NgxChat> {
  const box = document.createElement('div');
  box.className = 'fixture-box';
  box.style.width = '400px';
  box.style.height = '500px';
  const element = document.createElement('ngx-chat');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  setup(element);
  box.append(element);
  document.body.append(box);
  await element.updateComplete;
  return element;
}

/** Removes every fixture and the widget's saved sessions. */
export function cleanup(): void {
  for (const box of document.querySelectorAll('.fixture-box')) box.remove();
  sessionStorage.clear();
  localStorage.clear();
}

/** The shadow root of `element`. */
export function shadow(element: NgxChat): ShadowRoot {
  const root = element.shadowRoot;
  if (!root) throw new Error('ngx-chat has no shadow root');
  return root;
}

/** The assistant messages' rendered elements. */
export function assistantMessages(element: NgxChat): HTMLElement[] {
  return [...shadow(element).querySelectorAll<HTMLElement>('[part~="message-assistant"]')];
}

/** The text of the last assistant message as rendered. */
export function lastReplyText(element: NgxChat): string {
  return assistantMessages(element).at(-1)?.querySelector('.md')?.textContent ?? '';
}

/** Resolves when the element fires `ngx-chat-message` (a reply ended). */
export function replyEnded(element: NgxChat) {
  return nextEvent(element, 'ngx-chat-message');
}

/** The reload fixture in a frame: `load()` resolves with its widget once the frame has (re)loaded. */
export interface ReloadFrame {
  frame: HTMLIFrameElement;
  /** Waits for the next load of the frame and returns its widget, rendered. */
  load(): Promise<NgxChat>;
}

/** Opens `test/widget/fixtures/reload.html` in a frame, its widget on `api` with `metadata` (and `mode`). */
export function reloadFrame(api: string, metadata: Record<string, unknown>, mode: 'inline' | 'launcher' = 'inline', storage: 'local' | 'session' = 'local'): ReloadFrame {
  const frame = document.createElement('iframe');
  frame.className = 'fixture-box';
  frame.style.width = '800px';
  frame.style.height = '700px';
  frame.src = `/test/widget/fixtures/reload.html?mode=${mode}&storage=${storage}&api=${encodeURIComponent(api)}&metadata=${encodeURIComponent(JSON.stringify(metadata))}`;
  document.body.append(frame);
  return {
    frame,
    async load() {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const element = await waitFor(() => frame.contentDocument?.querySelector('ngx-chat') as NgxChat | null, 'the widget in the frame');
      await element.updateComplete;
      return element;
    },
  };
}

/** The element's conversation as the API keeps it, read with the guest token the widget stored. */
export async function storedConversation(api: string, element: NgxChat): Promise<ConversationView> {
  const token = localStorage.getItem('ngx-chat:default:guest-token');
  return (await fetch(`${api}/conversations/${element.conversationId}`, { headers: { Authorization: `Bearer ${token}` } })).json();
}

/** A new element whose agent replies `text` to one message; resolves once the reply is rendered, with its Markdown's element. */
export async function scriptedReply(api: string, text: string): Promise<{ element: NgxChat; md: HTMLElement }> {
  const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
    el.metadata = { text };
  });
  const ended = replyEnded(element);
  element.send('Show me');
  await ended;
  await element.updateComplete;
  return { element, md: assistantMessages(element)[0].querySelector<HTMLElement>('.md')! };
}
