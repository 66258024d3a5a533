/**
 * Request and response objects born with express's prototypes.
 *
 * express 5 hands every request and response the app's prototypes when it arrives (`app.handle`:
 * `Object.setPrototypeOf(req, app.request)`, the same for `res`). In V8 changing a live object's
 * prototype costs far more than the call: on a bare express 5 app answering `/healthz` under
 * load, every other minor GC then carried ~20 MB of objects over to the old generation (pauses of
 * ~40 ms where plain node:http has ~0.5 ms), and each request cost twice the CPU. When node:http
 * creates the objects from classes whose prototypes already are the app's, express's call finds
 * the prototype in place and changes nothing (README "Performance" has the figures).
 *
 * The classes exist before the app (a test server listens first, to learn its port): `adopt`
 * links them to it once. Until then they are node's own.
 */
import http from 'node:http';
import type { Express } from 'express';

export interface ExpressServerClasses {
  /** For `http.createServer`'s options. */
  IncomingMessage: typeof http.IncomingMessage;
  ServerResponse: typeof http.ServerResponse;
  /** Makes the classes' prototypes `app`'s request and response (express's own, with `app`); once. */
  adopt(app: Express): void;
}

export function expressServerClasses(): ExpressServerClasses {
  class GatewayRequest extends http.IncomingMessage {}
  class GatewayResponse extends http.ServerResponse {}
  let adopted = false;
  return {
    IncomingMessage: GatewayRequest,
    ServerResponse: GatewayResponse as typeof http.ServerResponse,
    adopt(app) {
      if (adopted) throw new Error('these request classes already serve an app');
      adopted = true;
      const pairs: [object, object][] = [
        [GatewayRequest.prototype, app.request],
        [GatewayResponse.prototype, app.response],
      ];
      for (const [ours, apps] of pairs) {
        // express's per-app objects inherit its request/response methods and hold `app`.
        Object.setPrototypeOf(ours, Object.getPrototypeOf(apps) as object);
        Object.defineProperties(ours, Object.getOwnPropertyDescriptors(apps));
      }
      app.request = GatewayRequest.prototype as unknown as Express['request'];
      app.response = GatewayResponse.prototype as unknown as Express['response'];
    },
  };
}

/** An HTTP server for `app` whose requests and responses need no change of prototype. */
export function createExpressServer(app: Express): http.Server {
  const classes = expressServerClasses();
  classes.adopt(app);
  return http.createServer(
    { IncomingMessage: classes.IncomingMessage, ServerResponse: classes.ServerResponse },
    app,
  );
}
