/**
 * The API's errors as clients see them: every error response (and every WebSocket error message)
 * carries `{"error":{"code","message"}}`, where `code` is one of {@link ERROR_CODE} — stable,
 * for clients to switch on — and `message` says how to fix the request, in English.
 */

/** Every error code the API answers with. Renaming one is a breaking change. */
export const ERROR_CODE = {
  alreadyAuthenticated: 'already_authenticated',
  bodyTooLarge: 'body_too_large',
  budgetExhausted: 'budget_exhausted',
  busy: 'busy',
  conversationBusy: 'conversation_busy',
  conversationNotFound: 'conversation_not_found',
  draining: 'draining',
  emptyMessage: 'empty_message',
  guestTokensDisabled: 'guest_tokens_disabled',
  internalError: 'internal_error',
  invalidBody: 'invalid_body',
  invalidConversationId: 'invalid_conversation_id',
  invalidCredentials: 'invalid_credentials',
  invalidCursor: 'invalid_cursor',
  invalidEdit: 'invalid_edit',
  invalidFeedback: 'invalid_feedback',
  invalidCredentialsFormat: 'invalid_credentials_format',
  invalidJson: 'invalid_json',
  invalidLastEventId: 'invalid_last_event_id',
  invalidMath: 'invalid_math',
  invalidMessage: 'invalid_message',
  invalidMetadata: 'invalid_metadata',
  invalidPath: 'invalid_path',
  invalidQuery: 'invalid_query',
  invalidRegenerate: 'invalid_regenerate',
  invalidRequestId: 'invalid_request_id',
  invalidTitle: 'invalid_title',
  invalidVersion: 'invalid_version',
  messageTooLong: 'message_too_long',
  missingMessage: 'missing_message',
  messageNotFound: 'message_not_found',
  metricsUnavailable: 'metrics_unavailable',
  noHostSessions: 'no_host_sessions',
  noSession: 'no_session',
  notFound: 'not_found',
  notLastUserMessage: 'not_last_user_message',
  nothingToRegenerate: 'nothing_to_regenerate',
  originNotAllowed: 'origin_not_allowed',
  originRequired: 'origin_required',
  quotaExceeded: 'quota_exceeded',
  rateLimited: 'rate_limited',
  requestAborted: 'request_aborted',
  serverFull: 'server_full',
  storeFull: 'store_full',
  storeUnavailable: 'store_unavailable',
  streamNotFound: 'stream_not_found',
  tokenInUrl: 'token_in_url',
  tokenIssuingDisabled: 'token_issuing_disabled',
  tooManyConversations: 'too_many_conversations',
  tooManyMessages: 'too_many_messages',
  tooManyStreams: 'too_many_streams',
  unauthorized: 'unauthorized',
  unknownAgent: 'unknown_agent',
  unknownType: 'unknown_type',
  unsupportedEncoding: 'unsupported_encoding',
  unsupportedMediaType: 'unsupported_media_type',
  versionsUnsupported: 'versions_unsupported',
  widgetNotBuilt: 'widget_not_built',
} as const;

/** One of {@link ERROR_CODE}. */
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
