/** An HTTP answer other than the one expected, with the API's `{"error":{"code","message"}}` when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';

  /**
   * @param status HTTP status, or 0 for a failure after the response started.
   * @param code The API's error code, or `http_<status>`.
   * @param retryAfterMs The `Retry-After` header, in ms.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Reads the error out of a response that is not the expected one. */
  static async fromResponse(res: Response): Promise<ApiError> {
    let code = `http_${res.status}`;
    let message = `The API answered ${res.status} ${res.statusText}.`;
    try {
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is to report.
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return new ApiError(res.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
}

/** A stream that ended without its terminal event, or skipped a chunk: resuming fixes it. */
export class StreamInterruptedError extends Error {
  override name = 'StreamInterruptedError';
}

/** The element has no `api-url`, or no way to get a token. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}
