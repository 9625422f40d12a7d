// Connection upgrades (SPDY/3.1 and WebSocket for exec, attach, port-forward and proxies) arrive
// on the https server's 'upgrade' event, outside Express. They are fed through the same app, so
// authentication, authorization, audit and the rest of the filter chain apply unchanged; a
// handler then takes the raw socket with hijack(), or answers like any request (an error Status).
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';

declare module 'node:http' {
  interface IncomingMessage {
    /** Set on requests that came in through the 'upgrade' event: the bytes after the head. */
    upgradeHead?: Buffer;
  }
}

export interface Hijacked {
  socket: Duplex;
  head: Buffer;
  /** Records the 101 for the filters watching the response (audit's ResponseStarted). */
  switching(): void;
}

type App = (req: IncomingMessage, res: ServerResponse) => void;

export function serveUpgrades(server: Server, app: App): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    req.upgradeHead = head;
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    // A request answered with an ordinary response (an error) leaves nothing to upgrade.
    res.once('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    app(req, res);
  });
}

/** The raw connection of an upgrade request; undefined for a plain request. */
export function hijack(req: Request, res: Response): Hijacked | undefined {
  const head = req.upgradeHead;
  if (!head) return undefined;
  return {
    socket: req.socket,
    head,
    switching: () => {
      if (!res.headersSent) res.writeHead(101);
    },
  };
}
