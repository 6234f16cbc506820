/**
 * What every core service receives: its database handle and its effects (clock, randomness),
 * injected so tests control time and failure.
 */
import { randomFillSync } from 'node:crypto';
import type { Db } from './db/connection';

export type Clock = () => number;

export interface CoreContext {
  readonly db: Db;
  readonly now: Clock;
  readonly randomId: (prefix: string) => string;
  readonly deviceId: string;
  readonly appVersion: string;
}

const ID_BYTES = 15;
const POOLED_IDS = 256;

/**
 * 120 random bits per id, from the CSPRNG. Without an injected source the bytes come from a pool
 * refilled 256 ids at a time: one call into OpenSSL per 256 ids instead of one each (bulk loads and
 * pulls make an id per op), the same bytes otherwise.
 */
export function randomIdFactory(random?: (bytes: number) => Buffer): (prefix: string) => string {
  if (random) return (prefix) => `${prefix}_${random(ID_BYTES).toString('base64url')}`;
  const pool = Buffer.alloc(ID_BYTES * POOLED_IDS);
  let offset = pool.length;
  return (prefix) => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('base64url', offset, offset + ID_BYTES);
    offset += ID_BYTES;
    return `${prefix}_${id}`;
  };
}
