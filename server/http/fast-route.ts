import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';

/** One route served ahead of Express's router. */
export interface FastRoute {
  method: string;
  /** The exact request path, with or without a query string. */
  path: string;
  /** The middleware and the handler, in order, as they would be given to `app.post()`. */
  handlers: RequestHandler[];
  /** Answers an error from any of them. */
  onError: ErrorRequestHandler;
}

/** What `app.handle` is: Express types leave it out. */
type Dispatch = (req: IncomingMessage, res: ServerResponse, callback?: NextFunction) => void;

/**
 * Serves `route` before Express's router sees the request: the request and response get the
 * app's prototypes, as `app.handle` gives every request, then run through `route.handlers` with a
 * `next` of a few lines — a rejected promise or a throw goes to `route.onError`, as in Express 5.
 * Everything else goes to the app as before.
 *
 * The router's matching, parameter processing and per-layer `next` cost about a fifth of a short
 * reply's server CPU (bench workload a: 4,130/s through the router, about 5,000/s past it), and
 * `POST /stream/chat` is nearly all of this API's traffic.
 */
export function serveFirst(app: Express, route: FastRoute): void {
  const dispatch = app as unknown as { handle: Dispatch; request: Request; response: Response };
  const routed = dispatch.handle.bind(app);
  const withQuery = `${route.path}?`;
  dispatch.handle = (incoming, outgoing, callback) => {
    const url = incoming.url ?? '';
    if (incoming.method !== route.method || (url !== route.path && !url.startsWith(withQuery))) {
      routed(incoming, outgoing, callback);
      return;
    }
    const req = Object.setPrototypeOf(incoming, dispatch.request) as Request;
    const res = Object.setPrototypeOf(outgoing, dispatch.response) as Response;
    req.res = res;
    res.req = req;
    res.locals ??= Object.create(null);
    runChain(route, req, res);
  };
}

function runChain({ handlers, onError }: FastRoute, req: Request, res: Response): void {
  let index = 0;
  const fail = (err: unknown) =>
    onError(err, req, res, () => {
      // Only reached once the response has begun: what Express's final handler does then.
      req.socket.destroy();
    });
  const next: NextFunction = (err?: unknown) => {
    // Any value is an error here: none of these handlers skips a route with next('route').
    if (err !== undefined) {
      fail(err);
      return;
    }
    const handler = handlers[index];
    index += 1;
    if (!handler) {
      fail(new Error(`${req.method} ${req.url}: the last handler called next() instead of answering`));
      return;
    }
    try {
      const result: unknown = handler(req, res, next);
      if (result instanceof Promise) result.catch(fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
  next();
}
