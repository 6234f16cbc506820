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
/** The random part of a time-ordered id: 96 bits. */
const ORDERED_RANDOM_BYTES = 12;
/** 64 url-safe characters in ascending byte order, so ids compare (memcmp, SQLite's BINARY) in time order. */
const ORDERED_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** Milliseconds since the epoch as 8 characters (48 bits) that sort in time order. */
export function timePrefix(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  let out = '';
  for (let index = 0; index < 8; index += 1) {
    out = ORDERED_ALPHABET.charAt(rest % 64) + out;
    rest = Math.floor(rest / 64);
  }
  return out;
}

/**
 * Ids from the CSPRNG. Without an injected source, an id is time-ordered: 8 characters of the
 * clock's milliseconds, then 96 random bits (docs/decisions/0027). Each table's primary-key index
 * and every index led by a new record's id (a new customer's search keys, intakes and field writes)
 * then takes a new row at its right-hand edge, in a page already in the cache, instead of at a
 * random place in a tree larger than memory: at a million customers a submit read about 25 random
 * index pages from disk. The bytes come from a pool refilled 256 ids at a time (bulk loads and
 * pulls make an id per op). With an injected source (seeded simulations), 120 random bits as before.
 */
export function randomIdFactory(random?: (bytes: number) => Buffer, clock: Clock = Date.now): (prefix: string) => string {
  if (random) return (prefix) => `${prefix}_${random(ID_BYTES).toString('base64url')}`;
  const pool = Buffer.alloc(ORDERED_RANDOM_BYTES * POOLED_IDS);
  let offset = pool.length;
  return (prefix) => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('base64url', offset, offset + ORDERED_RANDOM_BYTES);
    offset += ORDERED_RANDOM_BYTES;
    return `${prefix}_${timePrefix(clock())}${id}`;
  };
}
