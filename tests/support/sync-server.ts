/**
 * Test support: the real central server (Fastify + PGlite in a temp folder) on loopback, started
 * in-process with an injected clock, and restartable on the same port and data folder.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../../server/src/app';
import { openPglite } from '../../server/src/db';
import { migrate } from '../../server/src/migrations';

export interface SyncServer {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startSyncServer(options: { dataDir?: string; port?: number; now?: () => number; log?: (line: string) => void } = {}): Promise<SyncServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'intake-server-'));
  const port = options.port ?? (await freePort());
  const db = await openPglite(dataDir);
  await migrate(db, options.now);
  const app = await buildServer({ db, ...(options.now ? { now: options.now } : {}), ...(options.log ? { log: options.log } : {}), rateLimit: { burst: 10_000, perSecond: 10_000 } });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    stop: async () => {
      await app.close();
      await db.close();
    },
  };
}
