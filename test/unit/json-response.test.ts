/**
 * http/json-response.ts: the ordinary JSON answer ends as one string, and on the wire it is
 * exactly what express's res.json sends; every other case is express's own.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { endJsonInOneWrite } from '../../src/http/json-response';

const PAGE = {
  connections: Array.from({ length: 30 }, (_, i) => ({ id: i, label: `Zoë’s 🚀 ${i}` })),
  nextCursor: null,
};

function routes(app: express.Express): void {
  app.set('etag', false);
  app.get('/page', (_req, res) => {
    res.json(PAGE);
  });
  app.post('/created', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.get('/problem', (_req, res) => {
    res.status(400).type('application/problem+json; charset=utf-8').json({ title: 'bad' });
  });
  app.get('/no-charset', (_req, res) => {
    res.type('application/vnd.example+json').json({ a: 1 });
  });
  app.get('/empty', (_req, res) => {
    res.status(204).json({ ignored: true });
  });
  app.get('/nothing', (_req, res) => {
    res.json(undefined);
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP exchange, so the exact head and body bytes can be compared. */
function exchange(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(app: express.Express): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('endJsonInOneWrite', () => {
  let ours: { port: number; close: () => Promise<void> };
  let plain: { port: number; close: () => Promise<void> };
  const sends: string[] = [];

  beforeAll(async () => {
    const app = express();
    endJsonInOneWrite(app);
    // Which answers still go through express's res.send (the Buffer copy and two-chunk write).
    const send = app.response.send;
    app.response.send = function (this: express.Response, body?: unknown) {
      sends.push(this.req.path);
      return send.call(this, body);
    };
    routes(app);
    const reference = express();
    routes(reference);
    ours = await listen(app);
    plain = await listen(reference);
  });
  afterAll(async () => {
    await ours.close();
    await plain.close();
  });

  const cases: [string, string, Record<string, string>][] = [
    ['GET', '/page', {}],
    ['POST', '/created', {}],
    ['GET', '/problem', {}],
    ['GET', '/no-charset', {}],
    ['GET', '/empty', {}],
    ['GET', '/nothing', {}],
    ['HEAD', '/page', {}],
    ['GET', '/page', { 'if-none-match': '*' }],
    ['GET', '/page', { 'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT' }],
  ];

  it.each(cases)('%s %s %j answers byte for byte as express does', async (method, path, headers) => {
    const [mine, theirs] = await Promise.all([
      exchange(ours.port, method, path, headers),
      exchange(plain.port, method, path, headers),
    ]);
    expect(mine).toEqual(theirs);
  });

  it('sends an ordinary answer with its byte length, as UTF-8 JSON, without express’s res.send', async () => {
    sends.length = 0;
    const answer = await exchange(ours.port, 'GET', '/page');
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['transfer-encoding']).toBeUndefined();
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.length).toBeGreaterThan(answer.body.toString('utf8').length);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual(PAGE);
    await exchange(ours.port, 'POST', '/created');
    await exchange(ours.port, 'GET', '/problem');
    expect(sends).toEqual([]);
  });

  it('leaves HEAD, 204, conditional requests, a type without charset and no JSON text to express', async () => {
    sends.length = 0;
    await exchange(ours.port, 'HEAD', '/page');
    await exchange(ours.port, 'GET', '/empty');
    await exchange(ours.port, 'GET', '/page', { 'if-none-match': '"x"' });
    await exchange(ours.port, 'GET', '/no-charset');
    await exchange(ours.port, 'GET', '/nothing');
    expect(sends).toEqual(['/page', '/empty', '/page', '/no-charset', '/nothing']);
  });
});
