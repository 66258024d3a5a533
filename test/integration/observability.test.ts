/**
 * Request ids: every answer carries `X-Request-Id` (the caller's, when it is a sane one, else a
 * fresh UUID), and every log line written while that request is served carries the same id as
 * `reqId`, whoever logs it: the request's own line (observability/request-log.ts), the error
 * middleware, or a service through the base logger.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger';
import { runInRequestContext } from '../../src/shared/request-context';
import { startGateway, type TestGateway } from '../support/gateway';
import { client, request } from '../support/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RUNTIME_TOKEN = 'runtime-token-observability-0123456789';
const OPENAI_KEY = 'sk-observabilityTestKey000000000000000';

type LogLine = Record<string, unknown> & { reqId?: string; msg?: string };

function parsed(gw: TestGateway): LogLine[] {
  return gw.logs.map((line) => JSON.parse(line) as LogLine);
}

/** Waits until the request's own line (written when the answer finishes) is in. */
async function completedLine(gw: TestGateway, reqId: string): Promise<LogLine> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const line = parsed(gw).find((l) => l.reqId === reqId && l.msg === 'request completed');
    if (line || Date.now() > deadline) {
      if (!line) throw new Error(`no "request completed" line for ${reqId}`);
      return line;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('request ids in answers and log lines', () => {
  let gw: TestGateway;
  let apiKey: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { RUNTIME_TOKEN, LOG_LEVEL: 'debug' } });
    ({ apiKey } = await gw.newOwner('obs'));
  });
  afterAll(() => gw.close());

  it('returns the X-Request-Id it was sent', async () => {
    const res = await client(gw.baseUrl, apiKey).get('/api/v1/connectors', {
      headers: { 'x-request-id': 'trace-abc.123:xyz' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123:xyz');
    const line = await completedLine(gw, 'trace-abc.123:xyz');
    expect(line).toMatchObject({ reqId: 'trace-abc.123:xyz', res: { statusCode: 200 } });
  });

  it('generates a UUID when none (or an unusable one) is sent', async () => {
    const none = await client(gw.baseUrl, apiKey).get('/api/v1/connectors');
    expect(none.headers.get('x-request-id')).toMatch(UUID);
    const bad = await client(gw.baseUrl, apiKey).get('/api/v1/connectors', {
      headers: { 'x-request-id': 'no spaces <allowed>' },
    });
    expect(bad.headers.get('x-request-id')).toMatch(UUID);
    expect(bad.headers.get('x-request-id')).not.toBe(none.headers.get('x-request-id'));
  });

  it('stamps every log line of a request with its id, service lines included', async () => {
    const api = client(gw.baseUrl, apiKey);
    const made = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    expect(made.status).toBe(201);
    const id = made.body.connection.id as string;
    expect(
      (await api.post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: OPENAI_KEY } }))
        .status,
    ).toBe(200);

    const reqId = 'runtime-read-0001';
    const before = gw.logs.length;
    const read = await request('GET', `${gw.baseUrl}/internal/v1/connections/${id}/credentials`, {
      headers: { authorization: `Bearer ${RUNTIME_TOKEN}`, 'x-request-id': reqId },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-request-id')).toBe(reqId);
    await completedLine(gw, reqId);

    // No other request is in flight: every line since is this request's.
    const lines = parsed(gw).slice(before);
    const serviceLine = lines.find((l) => l.msg === 'runtime read credentials');
    expect(serviceLine).toBeDefined();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.reqId).toBe(reqId);
    // One key per line, not a binding repeated next to a field.
    for (const raw of gw.logs.slice(before)) expect(raw.match(/"reqId"/g)).toHaveLength(1);
  });

  it("stamps the request's own line of a refused request too", async () => {
    const reqId = 'failing-request-0001';
    const before = gw.logs.length;
    const res = await request('GET', `${gw.baseUrl}/api/v1/connections/not-a-uuid`, {
      headers: { authorization: `Bearer ${apiKey}`, 'x-request-id': reqId },
    });
    expect(res.status).toBe(400);
    const line = await completedLine(gw, reqId);
    expect(line.res).toEqual({ statusCode: 400 });
    for (const l of parsed(gw).slice(before)) expect(l.reqId).toBe(reqId);
  });

  it('logs the path without the query string, and no line for the probes', async () => {
    const reqId = 'query-request-0001';
    const before = gw.logs.length;
    const res = await client(gw.baseUrl, apiKey).get('/api/v1/connectors?code=oauth-code-in-query&limit=5', {
      headers: { 'x-request-id': reqId },
    });
    expect(res.status).toBe(200);
    const line = await completedLine(gw, reqId);
    expect(line).toMatchObject({
      req: { id: reqId, method: 'GET', path: '/api/v1/connectors' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      service: 'connections-gateway',
      level: 30,
    });
    expect(gw.logs.slice(before).join('\n')).not.toContain('oauth-code-in-query');

    const probes = 'probe-request-0001';
    expect(
      (await request('GET', `${gw.baseUrl}/healthz`, { headers: { 'x-request-id': probes } })).status,
    ).toBe(200);
    expect(
      (await request('GET', `${gw.baseUrl}/readyz`, { headers: { 'x-request-id': probes } })).status,
    ).toBe(200);
    await completedLine(gw, reqId);
    expect(parsed(gw).filter((l) => l.reqId === probes)).toEqual([]);
  });

  it('logs "request aborted" when the client goes away before the answer', async () => {
    const reqId = 'aborted-request-0001';
    const url = new URL(gw.baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    // A body announced at 100 bytes and cut after 10: the gateway is still reading it when the socket closes.
    socket.write(
      `POST /api/v1/connections HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${apiKey}\r\n` +
        `X-Request-Id: ${reqId}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"connecto`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const deadline = Date.now() + 2_000;
    let line: LogLine | undefined;
    while (!line && Date.now() < deadline) {
      line = parsed(gw).find((l) => l.reqId === reqId && l.msg === 'request aborted');
      if (!line) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(line).toMatchObject({ req: { method: 'POST', path: '/api/v1/connections' } });
  });

  it('adds no reqId to lines logged outside any request, and the id of the request inside one', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info('outside any request');
    runInRequestContext({ requestId: 'inside-1', ip: null, userAgent: null }, () =>
      logger.child({ part: 'x' }).info({ reqId: 'inside-1' }, 'inside a request'),
    );
    const [outside, inside] = lines.map((line) => JSON.parse(line) as LogLine);
    expect(outside).not.toHaveProperty('reqId');
    expect(inside).toMatchObject({ reqId: 'inside-1', part: 'x' });
    expect(lines[1]!.match(/"reqId"/g)).toHaveLength(1);
  });
});
