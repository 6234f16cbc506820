/**
 * Test helpers for the server: the storage backends to run on (PGlite always, PostgreSQL when
 * DATABASE_URL is set, each test in its own schema), and a desk that signs its requests.
 */
import { createCipheriv, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { opSigningInput, type OpManifest, type WireOp } from '../../shared/api/sync-contract';
import { rawPublicKey, signManifest, signOp, signRequestHeaders } from '../../electron/core/sync/wire-signing';
import { openPglite, openPostgres, quoteIdent, type Database } from './db';
import { migrate } from './migrations';

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, migrated database. */
  open(): Promise<OpenedBackend>;
}

export interface OpenedBackend {
  db: Database;
  /** PostgreSQL: the schema this test works in. */
  schema?: string;
  /** Closes every connection, then returns the stored bytes (pg_dump, or every file in the PGlite folder). */
  closeAndDump(): Promise<Buffer>;
  cleanup(): Promise<void>;
}

function filesUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(fs.readFileSync(full));
  }
  return out;
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-server-'));
    const db = await openPglite(dir);
    await migrate(db);
    return {
      db,
      async closeAndDump() {
        await db.close();
        return Buffer.concat(filesUnder(dir));
      },
      async cleanup() {
        await db.close().catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export function postgresBackend(url: string): Backend {
  return {
    name: 'postgres',
    async open() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const admin = await openPostgres({ connectionString: url, max: 1 });
      await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      const opened: Database[] = [];
      const connect = async (): Promise<Database> => {
        const db = await openPostgres({ connectionString: url, schema, max: 4 });
        opened.push(db);
        return db;
      };
      const db = await connect();
      await migrate(db);
      const closeAll = async (): Promise<void> => {
        for (const each of opened.splice(0)) await each.close().catch(() => undefined);
      };
      return {
        db,
        schema,
        async closeAndDump() {
          await closeAll();
          return execFileSync('pg_dump', ['--no-owner', '--schema', schema, url], { maxBuffer: 512 * 1024 * 1024 });
        },
        async cleanup() {
          await closeAll();
          await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
          await admin.close();
        },
      };
    },
  };
}

/** PGlite always; PostgreSQL as well when DATABASE_URL is set (CI). */
export const BACKENDS: Backend[] = [pgliteBackend, ...(process.env.DATABASE_URL ? [postgresBackend(process.env.DATABASE_URL)] : [])];

/** A stand-in for the desk's envelope: AES-256-GCM under a test key (the desk side does the real one). */
export function seal(key: Buffer, plaintext: string): { nonce: string; ciphertext: string; payloadBytes: number } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { nonce: nonce.toString('base64'), ciphertext: body.toString('base64'), payloadBytes: Buffer.byteLength(plaintext) };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** Sends requests to a server: in process (`app.inject`) or over HTTP (`baseUrl`). */
export type Transport = (request: { method: string; url: string; headers: Record<string, string>; body?: string }) => Promise<Answer>;

export function injectTransport(app: FastifyInstance): Transport {
  return async ({ method, url, headers, body }) => {
    const response = await app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body }) });
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as unknown) : null };
  };
}

export function httpTransport(baseUrl: string): Transport {
  return async ({ method, url, headers, body }) => {
    const response = await fetch(baseUrl + url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
}

export class TestDesk {
  readonly signKey: KeyObject;
  readonly signPublicKey: string;
  readonly boxPublicKey: string;
  private seq = 0;

  constructor(
    readonly siteId: string,
    readonly deskId: string,
    private readonly clock: () => number,
  ) {
    const pair = generateKeyPairSync('ed25519');
    this.signKey = pair.privateKey;
    this.signPublicKey = rawPublicKey(pair.publicKey);
    this.boxPublicKey = rawPublicKey(generateKeyPairSync('x25519').publicKey);
  }

  keys(label?: string): { deskId: string; signPublicKey: string; boxPublicKey: string; label?: string } {
    return { deskId: this.deskId, signPublicKey: this.signPublicKey, boxPublicKey: this.boxPublicKey, ...(label ? { label } : {}) };
  }

  /** Signed request headers (pass `nonce` to reuse one). */
  sign(method: string, url: string, body: string, nonce?: string): Record<string, string> {
    return signRequestHeaders({ privateKey: this.signKey, method, path: url, body, siteId: this.siteId, deskId: this.deskId, now: this.clock(), ...(nonce ? { nonce } : {}) });
  }

  async call<T = unknown>(transport: Transport, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Answer<T>> {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const headers = { ...this.sign(method, url, body ?? ''), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    return (await transport({ method, url, headers, ...(body === undefined ? {} : { body }) })) as Answer<T>;
  }

  /** The desk's next op, its payload sealed under `key`. */
  op(key: Buffer, payload: Record<string, unknown>, overrides: Partial<WireOp> = {}): WireOp {
    this.seq += 1;
    const sealed = seal(key, JSON.stringify(payload));
    const base = {
      opId: `op_${this.deskId.slice(4)}${String(this.seq).padStart(6, '0')}`,
      siteId: this.siteId,
      deviceId: this.deskId,
      seq: this.seq,
      hlc: `${String(this.clock()).padStart(15, '0')}-${String(this.seq % 100000).padStart(5, '0')}-${this.deskId}`,
      entity: 'customer',
      entityId: `cus_${this.deskId.slice(4)}${String(this.seq).padStart(6, '0')}`,
      kind: 'customer.upsert',
      schemaVersion: 1,
      keyVersion: 1,
      ...sealed,
      ...overrides,
    };
    return signOp(this.signKey, base);
  }

  /** The same ops signed at once by one manifest instead (decision 0022), as a push sends them. */
  manifest(ops: readonly WireOp[]): { ops: WireOp[]; manifests: OpManifest[] } {
    const signed = signManifest(this.signKey, this.siteId, this.deskId, ops.map(({ signature: _signature, manifestId: _manifestId, ...op }) => op));
    return { ops: signed.ops, manifests: [signed.manifest] };
  }

  /** The op sealed again, as a desk does when it pushes it a second time: fresh nonce, ciphertext and signature, same op id. */
  resealed(key: Buffer, op: WireOp, payload: Record<string, unknown>): WireOp {
    const { signature: _signature, manifestId: _manifestId, ...header } = op;
    return signOp(this.signKey, { ...header, ...seal(key, JSON.stringify(payload)) });
  }
}

export { opSigningInput };
