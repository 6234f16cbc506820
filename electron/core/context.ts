/**
 * What every core service receives: its database handle and its effects (clock, randomness),
 * injected so tests control time and failure.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './db/connection';

export type Clock = () => number;

export interface CoreContext {
  readonly db: Db;
  readonly now: Clock;
  readonly randomId: (prefix: string) => string;
  readonly deviceId: string;
  readonly appVersion: string;
}

export function randomIdFactory(random: (bytes: number) => Buffer = randomBytes): (prefix: string) => string {
  return (prefix) => `${prefix}_${random(15).toString('base64url')}`;
}
