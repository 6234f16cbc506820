/**
 * The server's storage connection: PostgreSQL through `pg` when a connection string is given, otherwise
 * PGlite (PostgreSQL compiled to WebAssembly) in a data folder. Both speak the same SQL with `$n`
 * parameters; every statement here is parameterised.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction (committed if it resolves, rolled back if it throws). */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  // PGlite is one connection: queue transactions so a second never interleaves with the first.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    kind: 'pglite',
    query: <Row>(sql: string, params: readonly unknown[] = []) => exclusive(async () => (await db.query<Row>(sql, params as unknown[])).rows),
    exec: (sql: string) => exclusive(async () => void (await db.exec(sql))),
    transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
      exclusive(() =>
        db.transaction(async (tx) =>
          work({
            query: async <Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<Row>(sql, params as unknown[])).rows,
            exec: async (sql: string) => void (await tx.exec(sql)),
          }),
        ),
      ),
    close: () => exclusive(() => db.close()),
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** Optional schema to work in (tests give each run its own). */
  schema?: string;
  max?: number;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // A dropped idle connection must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    query: async <Row>(sql: string, params: readonly unknown[] = []) => (await pool.query(sql, params as unknown[])).rows as Row[],
    exec: async (sql: string) => void (await pool.query(sql)),
    transaction: async <T>(work: (tx: Queryable) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as Row[],
          exec: async (sql: string) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error('bad identifier');
  return `"${name}"`;
}
