import { z } from 'zod';
import { WS_CLIENT_TYPE } from '../../../protocol/index.js';

/** Any message a client sends: a JSON object with a string `type`; the rest depends on it. */
export const WS_ENVELOPE = z.looseObject({ type: z.string() });

/** `{"type":"auth","token"}`: the token, or undefined when it is missing or empty. */
export const WS_AUTH = z.looseObject({ type: z.literal(WS_CLIENT_TYPE.auth), token: z.string().min(1).optional().catch(undefined) });

/** `{"type":"resume","last_event_id"}`; a missing or non-string id reads as '', which the resume refuses as malformed. */
export const WS_RESUME = z.looseObject({ last_event_id: z.string().catch('') });

/** `{"type":"stop","stream_id"}`; likewise '' for a missing id, which no stream has. */
export const WS_STOP = z.looseObject({ stream_id: z.string().catch('') });
