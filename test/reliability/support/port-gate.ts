import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../support/free-port.js';

/**
 * A loopback port that refuses connections (nothing listens: the kernel answers ECONNREFUSED) until
 * opened, after which it forwards to a target port. Models "Faspay unreachable, then back".
 */
export interface PortGate {
  readonly url: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function createPortGate(targetPort: number): Promise<PortGate> {
  const port = await freePort();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    url: `http://127.0.0.1:${port}`,
    async open() {
      if (server !== undefined) return;
      const listening = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server = listening;
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      const listening = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (listening !== undefined) await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
  };
}
