/**
 * Opens a desk's core: the encrypted database, migrations, the device identity and the services.
 * Used by the worker (electron/core/worker.ts) and by CLI tools that need the same view of the data.
 */
import type { RpcResponse } from '../../shared/api/envelope';
import { AuditHeadFile } from './audit/audit-log';
import { lockIfIdle, lockOnClientClosed } from './auth/auth-service';
import { randomIdFactory, type Clock, type CoreContext } from './context';
import { deriveDeskKeys } from './crypto/desk-keys';
import { openDatabase, type Db } from './db/connection';
import { MetaRepo } from './db/meta-repo';
import { boundHeapGrowth } from './memory';
import { migrate } from './db/migrations';
import { databasePath } from './paths';
import type { LongReads } from './long-reads';
import { dispatch } from './rpc/dispatcher';
import { createServices, type Emit, type Services } from './services';

export interface CoreOptions {
  dataDir: string;
  keyHex: string;
  appVersion: string;
  /** Shifts the core's clock; tests use it to move time forward across restarts. */
  clockOffsetMs?: number;
  /**
   * Starts the core's clock at this instant (ms since the epoch), from where it runs on at the
   * normal rate. Tests set it so that ages, dates and deadlines never depend on today's date.
   */
  clockStartMs?: number;
  now?: Clock;
  /** Ids for new records and this device (seeded in simulations, random otherwise). */
  randomId?: (prefix: string) => string;
  emit?: Emit;
  /** Where long reads run (the worker passes a reader worker); absent: in this thread. */
  longReads?: LongReads;
  /**
   * 'elsewhere': a checkpointer thread copies the write-ahead log (the worker starts one, see
   * checkpoint-worker.ts), so `maintain` leaves it alone; default 'here' (tools and tests).
   */
  checkpoints?: 'here' | 'elsewhere';
}

export interface Core {
  readonly services: Services;
  readonly db: Db;
  handle(clientId: string, request: unknown): Promise<RpcResponse>;
  clientClosed(clientId: string): void;
  /** Lock sessions that have been idle too long (the dispatcher also checks on every call). */
  sweepIdle(): void;
  /** Periodic upkeep off the commit path: a passive WAL checkpoint (unless a checkpointer thread does it), so submits do not pay for it; a due backup. */
  maintain(): void;
  close(): void;
}

/** A clock that reads `start` now and then advances with `real`; `real` itself when no start is given. */
export function clockFrom(real: Clock, start: number | undefined): Clock {
  if (start === undefined) return real;
  const shift = start - real();
  return () => real() + shift;
}

/** The core connection's page cache (KiB): with the rest of the desk's process, under 300 MB after an hour of searches (issue 12). */
export const CORE_PAGE_CACHE_KIB = 81_920;

export function openCore(options: CoreOptions): Core {
  boundHeapGrowth();
  const db = openDatabase(databasePath(options.dataDir), options.keyHex);
  try {
    // The core's own connection answers every search and list. It held 96 MB while searches read
    // each listed customer's row from customers_summary (about 106 MB at a million customers).
    // Since the search keys carry those columns (decision 0036) a search's list is a dozen key
    // pages, and 96 MB took the process over its memory goal (305 MB after 20,000 searches); the
    // filters with no query still read customers_summary and intakes by customer, and at 64 MB
    // their deep pages by cursor went over their 50 ms (1M season: p95 30.6 ms at 96 MB, 52.0 at 64).
    db.pragma(`cache_size = ${-CORE_PAGE_CACHE_KIB}`);
    migrate(db);
    const base = clockFrom(options.now ?? Date.now, options.clockStartMs);
    const offset = options.clockOffsetMs ?? 0;
    const randomId = options.randomId ?? randomIdFactory(undefined, offset === 0 ? base : () => base() + offset);
    const ctx: CoreContext = {
      db,
      now: offset === 0 ? base : () => base() + offset,
      randomId,
      deviceId: new MetaRepo(db).ensureDeviceId(() => randomId('dev')),
      appVersion: options.appVersion,
    };
    const keys = deriveDeskKeys(options.keyHex);
    const services = createServices(ctx, options.emit ?? (() => undefined), { keys, auditHead: AuditHeadFile.inDataDir(options.dataDir, keys), desk: { dataDir: options.dataDir, keyHex: options.keyHex }, dataDir: options.dataDir }, options.longReads ?? null);
    services.audit.open();
    // Ops an older version kept back: apply what this version can now read.
    services.transact(() => services.ops.reapplyQuarantined());
    return {
      services,
      db,
      handle: (clientId, request) => dispatch(services, clientId, request),
      clientClosed: (clientId) => {
        lockOnClientClosed(services, clientId);
        services.refusals.flush(clientId);
      },
      sweepIdle: () => {
        for (const session of services.sessions.all()) lockIfIdle(services, session);
      },
      maintain: () => {
        services.refusals.flushEnded();
        if (options.checkpoints !== 'elsewhere') db.pragma('wal_checkpoint(PASSIVE)');
        services.backups.tick();
      },
      close: () => {
        services.sync.stop();
        // The signed audit head follows commits off the request path: on disk before the database closes.
        services.audit.flushHead();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
