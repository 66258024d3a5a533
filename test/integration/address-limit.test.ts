/**
 * The routes a browser opens without an API key (the OAuth callback, the ticket URL of an
 * `oauthUrl`, the hosted connect page) are limited per client address: RATE_LIMIT_ADDRESS_POINTS
 * per RATE_LIMIT_WINDOW_SECONDS, 429 RATE_LIMITED with Retry-After (a page for a browser). The
 * address is the peer's, or the one X-Forwarded-For names only through the proxies TRUST_PROXY
 * trusts (a hop count or a list of addresses), never whatever a client writes there.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { client, request, type HttpResponse } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

// A day-long window, so no test here crosses a window boundary (except at midnight UTC).
const DAY = '86400';
let addressCounter = 0;
/** A fresh documentation address (TEST-NET-3) per test, so each test has its own bucket. */
function freshAddress(): string {
  addressCounter += 1;
  return `203.0.113.${addressCounter}`;
}

/** The unauthenticated browser doors, each sent from `from` (X-Forwarded-For) as a browser would. */
function doors(gw: TestGateway, from: string, html = true) {
  const headers = { 'x-forwarded-for': from, accept: html ? 'text/html' : 'application/json' };
  const id = randomUUID();
  return {
    connectPage: () => request('GET', `${gw.baseUrl}/connect`, { headers }),
    connectSubPath: () => request('GET', `${gw.baseUrl}/connect/anything/below`, { headers }),
    connectPost: () => request('POST', `${gw.baseUrl}/connect`, { headers, raw: 'a=b' }),
    callback: () =>
      request('GET', `${gw.baseUrl}/api/v1/connections/oauth/callback?state=x&code=y`, { headers }),
    ticketGet: () => request('GET', `${gw.baseUrl}/api/v1/connections/${id}/oauth?ticket=nope`, { headers }),
    ticketPost: () =>
      request('POST', `${gw.baseUrl}/api/v1/connections/${id}/oauth?ticket=nope`, {
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        raw: 'csrf=x',
      }),
    /** A ticket (or form) with a made-up Authorization header: still a browser door. */
    ticketGetWithJunkBearer: () =>
      request('GET', `${gw.baseUrl}/api/v1/connections/${id}/oauth?ticket=nope`, {
        headers: { ...headers, authorization: 'Bearer made-up' },
      }),
    formPostWithJunkBearer: () =>
      request('POST', `${gw.baseUrl}/api/v1/connections/${id}/oauth`, {
        headers: {
          ...headers,
          authorization: 'Bearer made-up',
          'content-type': 'application/x-www-form-urlencoded',
        },
        raw: 'ticket=nope',
      }),
  };
}

function expectLimited(res: HttpResponse, html: boolean): void {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  if (html) {
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Too many requests');
  } else {
    expect(res.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
  }
}

describe('per-address limit on the unauthenticated routes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      env: { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_ADDRESS_POINTS: '4', TRUST_PROXY: '1' },
    });
  });
  afterAll(() => gw.close());

  it('shares one budget across the callback, the ticket URL (GET and POST) and everything under /connect', async () => {
    const from = freshAddress();
    const d = doors(gw, from);
    for (const send of [d.connectPage, d.callback, d.ticketGet, d.connectSubPath]) {
      expect((await send()).status).not.toBe(429);
    }
    for (const send of [
      d.connectPage,
      d.connectSubPath,
      d.connectPost,
      d.callback,
      d.ticketGet,
      d.ticketPost,
    ]) {
      expectLimited(await send(), true);
    }
    // A made-up Bearer header does not skip the address's limit; as a request with an
    // Authorization header, it is answered in JSON (the browser doors' pages are for browsers).
    for (const send of [d.ticketGetWithJunkBearer, d.formPostWithJunkBearer]) {
      expectLimited(await send(), false);
    }
    // An API caller (JSON) gets the JSON envelope.
    expectLimited(await doors(gw, from, false).callback(), false);
    // Another address is not affected.
    expect((await doors(gw, freshAddress()).connectPage()).status).not.toBe(429);
  });

  it('does not charge the ticket URL opened with an API key, nor any authenticated route, to the address', async () => {
    const from = freshAddress();
    const { apiKey } = await gw.newOwner('addr');
    const d = doors(gw, from);
    for (let n = 0; n < 4; n += 1) expect((await d.callback()).status).not.toBe(429);
    expectLimited(await d.callback(), true);
    const api = client(gw.baseUrl, apiKey);
    const headers = { 'x-forwarded-for': from };
    expect((await api.get('/api/v1/connectors', { headers })).status).toBe(200);
    const reauth = await api.get(`/api/v1/connections/${randomUUID()}/oauth`, { headers });
    expect(reauth.status).toBe(404);
  });

  it('0 turns the limit off', async () => {
    const off = await startGateway({ env: { RATE_LIMIT_ADDRESS_POINTS: '0' } });
    try {
      const d = doors(off, freshAddress());
      for (let n = 0; n < 10; n += 1) expect((await d.callback()).status).toBe(400);
    } finally {
      await off.close();
    }
  });
});

describe('TRUST_PROXY and the client address', () => {
  it('ignores X-Forwarded-For from a peer TRUST_PROXY does not name: the peer pays, whatever it writes there', async () => {
    for (const trustProxy of [undefined, '10.0.0.0/8, 192.168.0.1']) {
      const gw = await startGateway({
        env: {
          RATE_LIMIT_WINDOW_SECONDS: DAY,
          RATE_LIMIT_ADDRESS_POINTS: '3',
          ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
        },
      });
      try {
        // A fresh budget for the peer itself (the suites share the database and this window).
        await gw.dataSource.query('DELETE FROM rate_limit_windows WHERE bucket_key = $1', [
          'address:127.0.0.1',
        ]);
        // The test's own peer address (127.0.0.1) is not trusted: each made-up address is ignored.
        const statuses: number[] = [];
        for (let n = 0; n < 5; n += 1) statuses.push((await doors(gw, freshAddress()).callback()).status);
        expect(statuses).toEqual([400, 400, 400, 429, 429]);
      } finally {
        await gw.close();
      }
    }
  });

  it('takes the address X-Forwarded-For names through a trusted proxy (a hop count or the peer in a list)', async () => {
    for (const trustProxy of ['1', '127.0.0.1/32, ::1']) {
      const gw = await startGateway({
        env: { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_ADDRESS_POINTS: '1', TRUST_PROXY: trustProxy },
      });
      try {
        const statuses: number[] = [];
        for (let n = 0; n < 5; n += 1) statuses.push((await doors(gw, freshAddress()).callback()).status);
        expect(statuses).toEqual([400, 400, 400, 400, 400]);
        // One client behind the proxy still has one budget.
        const one = doors(gw, freshAddress());
        expect((await one.callback()).status).toBe(400);
        expect((await one.callback()).status).toBe(429);
      } finally {
        await gw.close();
      }
    }
  });

  it('refuses TRUST_PROXY=true at start, saying what to give instead', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/hop count|addresses/);
  });
});
