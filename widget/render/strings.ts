/**
 * Every string the widget shows or announces, in English and Spanish. Pages override any of
 * them through the element's `strings` property.
 */
export interface NgxChatStrings {
  /** Header title when the `title` slot is empty. */
  title: string;
  /** Empty-state text when the `greeting` slot is empty. */
  greeting: string;
  /** Accessible name of the message list. */
  logLabel: string;
  /** Accessible name and placeholder of the text box. */
  inputLabel: string;
  placeholder: string;
  send: string;
  stop: string;
  /** Launcher button, panel closed. */
  openChat: string;
  /** Close button of the launcher panel. */
  closeChat: string;
  jumpToLatest: string;
  copyCode: string;
  copied: string;
  /** Name of a code block (a scrollable region); its language follows in brackets when known. */
  code: string;
  /** Names of a task list's checkboxes. */
  taskDone: string;
  taskOpen: string;
  /** Spoken before each message. */
  you: string;
  assistant: string;
  /** Shown under a reply the reader stopped. */
  stopped: string;
  connecting: string;
  reconnecting: string;
  /** Shown while waiting out a rate limit (HTTP 429); `{seconds}` is replaced by the wait. */
  rateLimited: string;
  /** Announced when a reply has finished. */
  replyComplete: string;
  /** A reply failed on the server. */
  replyFailed: string;
  /** The token was refused twice. */
  authFailed: string;
  /** The API refuses this page's origin. */
  originNotAllowed: string;
  /** No network, retries exhausted. */
  offline: string;
  /** The status line while the browser is offline: the widget goes on by itself when it is back. */
  waitingForNetwork: string;
  /** The launcher's badge, read with its label: replies that arrived while the panel was closed; `{count}` is their number. */
  unread: string;
  /** Under the text box near the limit: `{count}` characters of `{limit}`. */
  characterCount: string;
  /** A message over the API's limit, refused before it is sent; `{count}` and `{limit}` are characters. */
  overLimit: string;
  /** The API kept failing, retries exhausted. */
  unavailable: string;
  /** 400, 415: the widget sent something the API did not accept. */
  badRequest: string;
  /** 403 other than origin. */
  forbidden: string;
  /** 404: the conversation or stream no longer exists. */
  notFound: string;
  /** 409: a reply is still streaming in this conversation. */
  busy: string;
  /** 413: the message is too long. */
  tooLong: string;
  /** No `api-url` or no way to get a token. */
  notConfigured: string;
  /** A tool call's row while it runs; `{tool}` is its title, `{tool:ing}` with the first word as an English -ing verb. */
  toolRunning: string;
  /** …once it answered (`{tool:ed}`: the first word in the English past tense). */
  toolDone: string;
  /** …when it failed. */
  toolFailed: string;
  toolArguments: string;
  toolResult: string;
  /** The reasoning's summary: `{seconds}` the time the model took. */
  thoughtFor: string;
  /** …when that time is unknown. */
  thought: string;
  /** Label of the list of sources under a reply. */
  sources: string;
  /** The reader used their tokens for the day (429 `quota_exceeded`); `{time}` is when it resets, in their time. */
  quotaExceeded: string;
  /** The chat used its daily budget (503 `budget_exhausted`). */
  budgetExhausted: string;
  /** Accessible name of the starter prompts' group. */
  starterPrompts: string;
  /** The copy button of a reply. */
  copyReply: string;
  newConversation: string;
  /** The history button, and the list's name. */
  conversations: string;
  renameConversation: string;
  deleteConversation: string;
  /** The delete button's name once pressed: a second press deletes. */
  confirmDelete: string;
  noConversations: string;
  historyFailed: string;
  goodReply: string;
  badReply: string;
  /** The comment field after 👎, and its send and skip buttons. */
  feedbackComment: string;
  sendFeedback: string;
  skipFeedback: string;
  /** Said once a rating is kept. */
  feedbackThanks: string;
  /** The button that writes the last reply again. */
  regenerate: string;
  /** The button that edits the last message, the field's name, and its send and cancel buttons. */
  editMessage: string;
  sendEdit: string;
  cancelEdit: string;
  /** The version switcher: its group's name ("Version 2 of 3") and its buttons. */
  versionOf: string;
  previousVersion: string;
  nextVersion: string;
}

const en: NgxChatStrings = {
  title: 'Chat',
  greeting: 'Hi! Ask me anything.',
  logLabel: 'Conversation',
  inputLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  stop: 'Stop',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  jumpToLatest: 'Jump to latest',
  copyCode: 'Copy code',
  copied: 'Copied',
  code: 'Code',
  taskDone: 'Done',
  taskOpen: 'Not done',
  you: 'You said:',
  assistant: 'Assistant said:',
  stopped: 'Stopped',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost, reconnecting…',
  rateLimited: 'Too many requests, retrying in {seconds} s.',
  replyComplete: 'Reply complete.',
  replyFailed: 'The assistant could not finish this reply. Please try again.',
  authFailed: 'Your session could not be verified. Reload the page to sign in again.',
  originNotAllowed: 'This site is not allowed to use this chat service.',
  offline: 'You appear to be offline. Check your connection and try again.',
  waitingForNetwork: 'You appear to be offline. The chat will continue when your connection returns.',
  unread: '{count} unread',
  characterCount: '{count} / {limit}',
  overLimit: 'This message has {count} characters; the limit is {limit}. Shorten it to send it.',
  unavailable: 'The chat service is not responding. Please try again later.',
  badRequest: 'The chat service could not accept this message.',
  forbidden: 'You are not allowed to use this chat.',
  notFound: 'This conversation is no longer available.',
  busy: 'A reply is still being written. Wait for it or stop it.',
  tooLong: 'This message is too long. Please shorten it.',
  notConfigured: 'This chat is not set up yet (missing api-url or sign-in).',
  toolRunning: '{tool:ing}…',
  toolDone: '{tool:ed}',
  toolFailed: '{tool} failed',
  toolArguments: 'Arguments',
  toolResult: 'Result',
  thoughtFor: 'Thought for {seconds} s',
  thought: 'Thought',
  sources: 'Sources',
  quotaExceeded: "You have reached today's limit for this chat. You can write again after {time}.",
  budgetExhausted: 'This chat has reached its limit for today. Please come back after {time}.',
  starterPrompts: 'Suggestions',
  copyReply: 'Copy reply',
  newConversation: 'New conversation',
  conversations: 'Conversations',
  renameConversation: 'Rename',
  deleteConversation: 'Delete',
  confirmDelete: 'Press again to delete',
  noConversations: 'No conversations yet.',
  historyFailed: 'Your conversations could not be loaded. Try again later.',
  goodReply: 'Good reply',
  badReply: 'Bad reply',
  feedbackComment: 'What was wrong with this reply? (optional)',
  sendFeedback: 'Send',
  skipFeedback: 'Skip',
  feedbackThanks: 'Thanks for your feedback.',
  regenerate: 'Regenerate reply',
  editMessage: 'Edit message',
  sendEdit: 'Send',
  cancelEdit: 'Cancel',
  versionOf: 'Version {index} of {count}',
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
};

const es: NgxChatStrings = {
  title: 'Chat',
  greeting: '¡Hola! Pregúntame lo que quieras.',
  logLabel: 'Conversación',
  inputLabel: 'Mensaje',
  placeholder: 'Escribe un mensaje…',
  send: 'Enviar',
  stop: 'Detener',
  openChat: 'Abrir el chat',
  closeChat: 'Cerrar el chat',
  jumpToLatest: 'Ir a lo último',
  copyCode: 'Copiar código',
  copied: 'Copiado',
  code: 'Código',
  taskDone: 'Hecho',
  taskOpen: 'Pendiente',
  you: 'Tú dijiste:',
  assistant: 'El asistente dijo:',
  stopped: 'Detenido',
  connecting: 'Conectando…',
  reconnecting: 'Se perdió la conexión, reconectando…',
  rateLimited: 'Demasiadas solicitudes, reintentando en {seconds} s.',
  replyComplete: 'Respuesta completa.',
  replyFailed: 'El asistente no pudo terminar esta respuesta. Inténtalo de nuevo.',
  authFailed: 'No se pudo verificar tu sesión. Recarga la página para volver a entrar.',
  originNotAllowed: 'Este sitio no tiene permiso para usar este servicio de chat.',
  offline: 'Parece que no tienes conexión. Revísala e inténtalo de nuevo.',
  waitingForNetwork: 'Parece que no tienes conexión. El chat seguirá cuando vuelva.',
  unread: '{count} sin leer',
  characterCount: '{count} / {limit}',
  overLimit: 'Este mensaje tiene {count} caracteres; el límite es {limit}. Acórtalo para enviarlo.',
  unavailable: 'El servicio de chat no responde. Inténtalo más tarde.',
  badRequest: 'El servicio de chat no pudo aceptar este mensaje.',
  forbidden: 'No tienes permiso para usar este chat.',
  notFound: 'Esta conversación ya no está disponible.',
  busy: 'Todavía se está escribiendo una respuesta. Espera o detenla.',
  tooLong: 'Este mensaje es demasiado largo. Acórtalo, por favor.',
  notConfigured: 'Este chat aún no está configurado (falta api-url o el inicio de sesión).',
  toolRunning: '{tool}…',
  toolDone: '{tool}: hecho',
  toolFailed: '{tool}: falló',
  toolArguments: 'Argumentos',
  toolResult: 'Resultado',
  thoughtFor: 'Pensó durante {seconds} s',
  thought: 'Razonamiento',
  sources: 'Fuentes',
  quotaExceeded: 'Has llegado al límite de hoy de este chat. Podrás escribir de nuevo después de las {time}.',
  budgetExhausted: 'Este chat ha llegado a su límite de hoy. Vuelve después de las {time}.',
  starterPrompts: 'Sugerencias',
  copyReply: 'Copiar respuesta',
  newConversation: 'Nueva conversación',
  conversations: 'Conversaciones',
  renameConversation: 'Renombrar',
  deleteConversation: 'Eliminar',
  confirmDelete: 'Pulsa otra vez para eliminar',
  noConversations: 'Aún no hay conversaciones.',
  historyFailed: 'No se pudieron cargar tus conversaciones. Inténtalo más tarde.',
  goodReply: 'Buena respuesta',
  badReply: 'Mala respuesta',
  feedbackComment: '¿Qué falló en esta respuesta? (opcional)',
  sendFeedback: 'Enviar',
  skipFeedback: 'Omitir',
  feedbackThanks: 'Gracias por tu opinión.',
  regenerate: 'Regenerar respuesta',
  editMessage: 'Editar mensaje',
  sendEdit: 'Enviar',
  cancelEdit: 'Cancelar',
  versionOf: 'Versión {index} de {count}',
  previousVersion: 'Versión anterior',
  nextVersion: 'Versión siguiente',
};

/** The built-in languages. */
export const BUILT_IN_STRINGS: Readonly<Record<'en' | 'es', NgxChatStrings>> = { en, es };

/**
 * The strings for `lang` (a BCP 47 tag; `es-MX` uses Spanish, anything unknown English) with
 * `overrides` applied on top.
 */
export function resolveStrings(lang: string, overrides: Partial<NgxChatStrings> = {}): NgxChatStrings {
  const base = lang.toLowerCase().split('-')[0] === 'es' ? es : en;
  return { ...base, ...overrides };
}
