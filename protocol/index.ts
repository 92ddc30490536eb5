/**
 * The wire contract of ngx-chat: what the API sends and the widget (or any client) reads. Values
 * and types only, with no DOM or Node types, so both sides import the same names.
 */
export { MESSAGE_STATUS, type ConversationListView, type ConversationSummaryView, type ConversationView, type FeedbackView, type MessagePart, type MessageRole, type MessageStatus, type MessageView } from './conversation.js';
export { formatEventId, isStreamId, parseEventId, type EventPosition } from './event-id.js';
export { ERROR_CODE, type ErrorBody, type ErrorCode } from './http-errors.js';
export {
  CHUNK_TYPE,
  MAX_EVENT_ID_LENGTH,
  STREAM_EVENT,
  isTerminal,
  type ChunkData,
  type ContentChunk,
  type ReasoningStep,
  type ReplyStep,
  type SourceStep,
  type TokenUsage,
  type ToolCallStep,
  type ToolResultStep,
  type EndData,
  type ErrorData,
  type StartData,
  type StreamEvent,
  type StreamEventName,
} from './stream-events.js';
export {
  WS_CLIENT_TYPE,
  WS_CLOSE,
  WS_PATH,
  WS_SERVER_TYPE,
  type WsAuthMessage,
  type WsChatMessage,
  type WsClientMessage,
  type WsErrorMessage,
  type WsEventMessage,
  type WsReadEndMessage,
  type WsReadyMessage,
  type WsResumeMessage,
  type WsServerMessage,
  type WsStopMessage,
  type WsStoppedMessage,
} from './ws-messages.js';
