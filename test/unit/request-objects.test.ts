/**
 * http/request-objects.ts: node:http creates each request and response with the app's prototypes,
 * so express's per-request `Object.setPrototypeOf` finds them in place and changes nothing; and the
 * objects still behave as express's (req.app, req.ip behind a trusted proxy, res.json, res.locals).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createExpressServer, expressServerClasses } from '../../src/http/request-objects';

interface Seen {
  /** express's setPrototypeOf calls on the request and response: did each change the prototype? */
  changed: boolean[];
  sameApp: boolean;
  ip: string | undefined;
}

function appRecording(seen: Seen): Express {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.get('/probe', (req, res) => {
    seen.sameApp = req.app === app && res.app === app;
    seen.ip = req.ip;
    res.locals.answer = 42;
    res.json({ answer: res.locals.answer as number, path: req.path });
  });
  return app;
}

async function probe(server: http.Server, seen: Seen): Promise<{ status: number; body: unknown }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const original = Object.setPrototypeOf;
  const spy = jest
    .spyOn(Object, 'setPrototypeOf')
    .mockImplementation((target: object, proto: object | null) => {
      if (target instanceof http.IncomingMessage || target instanceof http.ServerResponse) {
        seen.changed.push(Object.getPrototypeOf(target) !== proto);
      }
      return original(target, proto) as object;
    });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/probe`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    return { status: res.status, body: await res.json() };
  } finally {
    spy.mockRestore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('request objects born with the app prototypes', () => {
  it('leave express nothing to change, and behave as express objects', async () => {
    const seen: Seen = { changed: [], sameApp: false, ip: undefined };
    const app = appRecording(seen);
    const answer = await probe(createExpressServer(app), seen);
    expect(answer).toEqual({ status: 200, body: { answer: 42, path: '/probe' } });
    // express asked for the request's and the response's prototypes; both were in place already.
    expect(seen.changed).toEqual([false, false]);
    expect(seen.sameApp).toBe(true);
    expect(seen.ip).toBe('203.0.113.9');
  });

  it('a plain node:http server makes express change both prototypes on every request (the cost avoided)', async () => {
    const seen: Seen = { changed: [], sameApp: false, ip: undefined };
    const answer = await probe(http.createServer(appRecording(seen)), seen);
    expect(answer.status).toBe(200);
    expect(seen.changed).toEqual([true, true]);
  });

  it('classes made before the app serve it once adopted, and only one app', () => {
    const classes = expressServerClasses();
    const app = express();
    classes.adopt(app);
    expect(Object.getPrototypeOf(app.request)).toBe(Object.getPrototypeOf(express().request));
    expect(classes.IncomingMessage.prototype).toBe(app.request);
    expect(classes.ServerResponse.prototype).toBe(app.response);
    expect(() => classes.adopt(express())).toThrow(/already serve an app/);
  });
});
