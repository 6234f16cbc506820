/**
 * Test support: a TCP proxy between desks and the central server that can cut a connection in the
 * middle of a push — after the server has received the whole request, before the desk hears the
 * answer. The desk must then treat the push as not acknowledged, keep its outbox and push again;
 * the server must store each op once however often it arrives.
 */
import net from 'node:net';
import { freePort } from './sync-server';

export interface CutProxy {
  url: string;
  /** The next push is forwarded to the server and its answer cut off; resolves once that happened. */
  cutNextPush(): Promise<void>;
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const port = await freePort();
  let armed: (() => void) | null = null;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let cutting: (() => void) | null = null;
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      // A request line starts a chunk; the push's body follows on the same connection.
      if (armed && chunk.includes('POST /v1/ops/push ')) {
        cutting = armed;
        armed = null;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) {
        // The server has answered the push: it holds the ops. The desk never hears it.
        const done = cutting;
        cutting = null;
        closeBoth();
        done();
        return;
      }
      client.write(chunk);
    });
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  });
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    cutNextPush: () =>
      new Promise<void>((resolve) => {
        armed = resolve;
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
