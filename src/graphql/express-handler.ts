/**
 * The door between express and Apollo Server for /graphql: it hands Apollo the request as its
 * integration interface asks (method, lower-case headers, the query string, the parsed body)
 * and writes back what Apollo answers. Apollo documents this interface for integrations of
 * one's own (executeHTTPGraphQLRequest); ours does per request only what that asks, which
 * @as-integrations/express5 did with more steps: node's legacy url.parse for the query string,
 * an array of every header pair, and express's res.send, which copies a body of 1,000
 * characters or more into a Buffer and checks freshness on an answer that has no validators.
 */
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { NAMES_CHARSET } from '../http/json-response';

export function graphqlHandler<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: (req: Request, res: Response) => Promise<TContext>,
): RequestHandler {
  server.assertStarted('graphqlHandler()');
  return async (req, res) => {
    const headers = new HeaderMap();
    const incoming = req.headers;
    for (const name in incoming) {
      const value = incoming[name];
      // Node joins repeated headers with ", " already, all but set-cookie (an array), which a
      // request does not carry; an array is joined the same way for completeness.
      if (value !== undefined) headers.set(name, typeof value === 'string' ? value : value.join(', '));
    }
    const url = req.url;
    const queryAt = url.indexOf('?');
    const request: HTTPGraphQLRequest = {
      method: req.method,
      headers,
      search: queryAt < 0 ? '' : url.slice(queryAt),
      // The json parser ran in front; a body it did not parse (another content type) is
      // undefined, which Apollo answers with its own 400.
      body: req.body,
    };
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () => context(req, res),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Text is sent as UTF-8 and says so (Apollo's landing page is plain `text/html`).
      const type = res.getHeader('content-type');
      if (typeof type !== 'string') res.setHeader('content-type', 'text/plain; charset=utf-8');
      else if (!NAMES_CHARSET.test(type)) res.setHeader('content-type', `${type}; charset=utf-8`);
      const body = response.body.string;
      // One string ending the response: node counts its Content-Length and writes the head and
      // the body at once. A HEAD answer has no body, so its length is set here.
      if (req.method === 'HEAD') res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
