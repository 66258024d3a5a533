/** Each door declares its routes that take an Idempotency-Key next to the routes themselves. */
import type { Router } from 'express';
import type { Services } from '../../src/container';
import { connectionRoutes, idempotentConnectionRoutes } from '../../src/connections/connection.routes';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

function postPaths(router: Router): string[] {
  return (router.stack as RouteLayer[])
    .filter((layer) => layer.route?.methods.post)
    .map((layer) => layer.route!.path);
}

describe('idempotent routes', () => {
  it('the connections door names its connect and credential submission routes, both POST routes it serves', () => {
    const router = connectionRoutes({ connections: {} } as unknown as Services);
    expect(idempotentConnectionRoutes).toEqual(['/connections', '/connections/:id/credentials']);
    expect(postPaths(router)).toEqual(expect.arrayContaining([...idempotentConnectionRoutes]));
  });
});
