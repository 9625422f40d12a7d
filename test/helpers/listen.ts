// Serves Express routers on an ephemeral 127.0.0.1 port, for unit tests that speak HTTP to them.
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';

export interface Listening {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(...routers: Router[]): Promise<Listening> {
  const app = express();
  app.disable('etag');
  for (const r of routers) app.use(r);
  app.use((_req, res) => void res.status(418).end('no route'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
