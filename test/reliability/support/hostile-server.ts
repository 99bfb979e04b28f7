import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token-endpoint misbehaviours the simulator does not offer: they attack the HTTP client itself. */
export type HostileBehaviour =
  /** 200, chunked (no Content-Length), JSON-looking bytes forever, written only as fast as they are read. */
  | 'endless-chunked-body'
  /** 200 with headers at once, then one byte of body every 50 ms, forever. */
  | 'dripping-body'
  /** 302 to another host. */
  | 'redirect'
  /** 200 with an empty body. */
  | 'empty-body';

export interface HostileServer {
  readonly url: string;
  readonly requests: () => number;
  /** Body bytes written before the client went away (for the endless body). */
  readonly bytesSent: () => number;
  /** Resolves once the client closed a connection that was still being fed. */
  readonly clientGaveUp: Promise<void>;
  close(): Promise<void>;
}

const CHUNK = Buffer.from(`{"padding":"${'x'.repeat(16 * 1024)}",`);

export async function startHostileServer(behaviour: HostileBehaviour, redirectTo = 'http://127.0.0.1:9/'): Promise<HostileServer> {
  let requests = 0;
  let bytesSent = 0;
  let gaveUp: () => void = () => undefined;
  const clientGaveUp = new Promise<void>((resolve) => (gaveUp = resolve));

  const feed = (response: ServerResponse, write: () => boolean) => {
    const stop = () => gaveUp();
    response.on('close', stop);
    const pump = () => {
      while (!response.destroyed && write()) {
        /* keep writing while the socket buffer accepts */
      }
      if (!response.destroyed) response.once('drain', pump);
    };
    pump();
  };

  const server = createServer((_request, response) => {
    requests++;
    switch (behaviour) {
      case 'endless-chunked-body':
        response.writeHead(200, { 'Content-Type': 'application/json' });
        feed(response, () => {
          bytesSent += CHUNK.length;
          return response.write(CHUNK);
        });
        return;
      case 'dripping-body': {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{');
        const timer = setInterval(() => {
          if (response.destroyed) return;
          bytesSent++;
          response.write(' ');
        }, 50);
        response.on('close', () => {
          clearInterval(timer);
          gaveUp();
        });
        return;
      }
      case 'redirect':
        response.writeHead(302, { Location: redirectTo, 'Content-Length': '0' });
        response.end();
        return;
      case 'empty-body':
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '0' });
        response.end();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    bytesSent: () => bytesSent,
    clientGaveUp,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
