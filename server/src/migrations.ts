/**
 * Numbered schema migrations, applied in order, each once, in one transaction. Replicas that start
 * together serialise on an advisory lock, so each migration runs exactly once.
 *
 * Every key leads with the site (sites are the unit of distribution, docs/operations.md); there is no
 * global sequence: the pull cursor is a per-site counter kept on the site's row.
 * Only op headers and ciphertext are stored: no personal value ever reaches these tables in clear.
 */
import type { Database } from './db';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'organisations, sites, desks, wrapped keys',
    sql: `
      CREATE TABLE organisations (
        organisation_id text PRIMARY KEY,
        label text,
        created_at bigint NOT NULL
      );
      CREATE TABLE sites (
        site_id text PRIMARY KEY,
        organisation_id text NOT NULL REFERENCES organisations (organisation_id),
        label text,
        last_cursor bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL
      );
      CREATE INDEX sites_by_organisation ON sites (organisation_id);
      CREATE TABLE desks (
        site_id text NOT NULL REFERENCES sites (site_id),
        desk_id text NOT NULL,
        sign_public_key text NOT NULL,
        box_public_key text NOT NULL,
        label text,
        state text NOT NULL CHECK (state IN ('pending', 'active', 'revoked')),
        created_at bigint NOT NULL,
        activated_at bigint,
        revoked_at bigint,
        PRIMARY KEY (site_id, desk_id)
      );
      CREATE TABLE wrapped_keys (
        site_id text NOT NULL,
        recipient_desk_id text NOT NULL,
        key_version integer NOT NULL,
        wrapped_by text NOT NULL,
        algorithm text NOT NULL,
        ephemeral_public_key text,
        nonce text NOT NULL,
        ciphertext text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (site_id, recipient_desk_id, key_version),
        FOREIGN KEY (site_id, recipient_desk_id) REFERENCES desks (site_id, desk_id)
      );`,
  },
  {
    version: 2,
    name: 'ops: header in clear, payload sealed; per-device progress',
    sql: `
      CREATE TABLE ops (
        site_id text NOT NULL,
        cursor bigint NOT NULL,
        op_id text NOT NULL,
        device_id text NOT NULL,
        seq bigint NOT NULL,
        hlc text NOT NULL,
        entity text NOT NULL,
        entity_id text NOT NULL,
        kind text,
        schema_version integer NOT NULL,
        key_version integer NOT NULL,
        payload_bytes integer NOT NULL,
        nonce text NOT NULL,
        ciphertext text NOT NULL,
        signature text NOT NULL,
        stored_at bigint NOT NULL,
        PRIMARY KEY (site_id, cursor)
      );
      CREATE UNIQUE INDEX ops_by_device_seq ON ops (site_id, device_id, seq);
      CREATE TABLE device_progress (
        site_id text NOT NULL,
        device_id text NOT NULL,
        highest_contiguous_seq bigint NOT NULL,
        highest_seq bigint NOT NULL,
        op_count bigint NOT NULL,
        PRIMARY KEY (site_id, device_id)
      );`,
  },
  {
    version: 3,
    name: 'request nonces for replay protection (shared by every replica)',
    sql: `
      CREATE TABLE request_nonces (
        site_id text NOT NULL,
        desk_id text NOT NULL,
        nonce text NOT NULL,
        seen_at bigint NOT NULL,
        PRIMARY KEY (site_id, desk_id, nonce)
      );
      CREATE INDEX request_nonces_by_age ON request_nonces (seen_at);`,
  },
  {
    version: 4,
    name: 'attachment blobs (sealed scans, in pieces)',
    sql: `
      CREATE TABLE blob_chunks (
        site_id text NOT NULL,
        blob_id text NOT NULL,
        idx integer NOT NULL,
        chunk_count integer NOT NULL,
        data bytea NOT NULL,
        stored_by text NOT NULL,
        stored_at bigint NOT NULL,
        PRIMARY KEY (site_id, blob_id, idx)
      );`,
  },
  {
    version: 5,
    name: 'online submissions: the published form per site, sealed submissions and their tombstones',
    // Only what the page needs (the submission public key, the field list, the consent notice: no
    // personal data) and, per submission, the sealed envelope, its receipt code, receipt time and size.
    // Erasing keeps the row (a tombstone) and moves it to a new cursor so every desk pulls the erasure.
    // The submissions' cursor has its own row per site, so a submission never waits on a push's lock of `sites`.
    sql: `
      CREATE TABLE online_cursors (
        site_id text PRIMARY KEY REFERENCES sites (site_id),
        last_cursor bigint NOT NULL
      );
      CREATE TABLE online_forms (
        site_id text PRIMARY KEY REFERENCES sites (site_id),
        form text NOT NULL,
        retention_days integer NOT NULL,
        open boolean NOT NULL,
        published_by text NOT NULL,
        published_at bigint NOT NULL
      );
      CREATE TABLE online_submissions (
        site_id text NOT NULL REFERENCES sites (site_id),
        cursor bigint NOT NULL,
        submission_id text NOT NULL,
        receipt_code text NOT NULL,
        received_at bigint NOT NULL,
        size integer NOT NULL,
        envelope text,
        erased_at bigint,
        PRIMARY KEY (site_id, cursor)
      );
      CREATE UNIQUE INDEX online_submissions_by_id ON online_submissions (site_id, submission_id);
      CREATE UNIQUE INDEX online_submissions_by_receipt ON online_submissions (site_id, receipt_code);
      CREATE INDEX online_submissions_held ON online_submissions (site_id, received_at) WHERE envelope IS NOT NULL;`,
  },
  {
    version: 6,
    name: 'batch signatures (op manifests) and rate limits counted in the database',
    // An op is signed by its own signature (as before) or by the manifest of its push (decision 0022):
    // the manifest lists the hashes of that push's ops, one per line, signed once by the desk. A
    // manifest is named by its content hash, so the same push sent twice stores it once.
    // Rate limits: one token bucket per desk, updated in one statement by whichever replica answers,
    // so every replica counts the same requests.
    sql: `
      ALTER TABLE ops ALTER COLUMN signature DROP NOT NULL;
      ALTER TABLE ops ADD COLUMN manifest_id text;
      CREATE TABLE op_manifests (
        site_id text NOT NULL REFERENCES sites (site_id),
        manifest_id text NOT NULL,
        device_id text NOT NULL,
        op_hashes text NOT NULL,
        signature text NOT NULL,
        stored_at bigint NOT NULL,
        PRIMARY KEY (site_id, manifest_id)
      );
      CREATE TABLE rate_buckets (
        site_id text NOT NULL,
        desk_id text NOT NULL,
        tokens double precision NOT NULL,
        at bigint NOT NULL,
        granted boolean NOT NULL,
        PRIMARY KEY (site_id, desk_id)
      );`,
  },
];

const LOCK_KEY = 719_304_211; // any constant: the advisory lock that serialises migrations across replicas

/** Applies the migrations not yet applied; returns the versions it applied. */
export async function migrate(db: Database, now: () => number = Date.now, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => Number(row.version)));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
      applied.push(migration.version);
    }
  });
  return applied;
}

export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return Number(rows[0]?.version ?? 0);
}
