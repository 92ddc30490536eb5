/**
 * The `<ngx-chat>` widget. Importing this module defines the element.
 * @module
 */
export { NgxChat, type NgxChatMessage } from './ngx-chat.js';
export { NgxChatCloseEvent, NgxChatConversationChangeEvent, NgxChatErrorEvent, NgxChatFeedbackEvent, NgxChatMessageEvent, NgxChatOpenEvent, NgxChatSendEvent, NgxChatStatusEvent } from './events.js';
export { CHAT_STATUS, MESSAGE_STATUS, type ChatStatus, type MessageStatus } from './chat/chat-state.js';
export { BUILT_IN_STRINGS, type NgxChatStrings } from './render/strings.js';
export type { TokenProvider } from './api/token-source.js';
export type { ChatError } from './events.js';
