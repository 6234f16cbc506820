/**
 * The desk's first pull (issue 10): sealed ops as they arrive from the server — verified (one
 * Ed25519 manifest per page of 1,000, each op's hash against it: decision 0022), decrypted
 * (AES-256-GCM) and applied through the one apply path in one transaction per batch of
 * 1,000 — beside raw SQLCipher inserts of the same rows, measured in the same run. Targets:
 * ≥ 20,000 ops/s, ≥ 0.4× raw inserts, and the desk's RSS under 300 MB through a 1M-op pull
 * (`npm run bench -- --only sync --pull-ops 1000000`).
 *
 * Ops are generated and sealed in batches as the pull goes (as a network pull delivers them), so
 * memory holds one batch at a time; sealing is the sending desk's work and is not counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore } from '../electron/core/core';
import { generateKeyHex } from '../electron/core/db/key-file';
import { importCustomers } from '../electron/core/customers/import';
import { allOps } from '../electron/core/oplog/digest';
import type { StoredOp } from '../electron/core/oplog/types';
import { ManifestBook, openOpAsync, sealOps } from '../electron/core/sync/envelope';
import { createDeskIdentity, createKeyring, privateKeyOf } from '../electron/core/sync/keyring';
import { applyOpenedBatch } from '../electron/core/sync/sync-engine';
import { formatHlc } from '../shared/domain/hlc';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import { rawInserts } from './oplog';
import { ed25519VerifyRate } from './verify-rate';

const BATCH = 1_000;
const SOURCE = 'dev_benchsource';

export async function benchSyncPull(count = 100_000, rssCount = 0): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-sync-'));
  try {
    // Templates: 1,000 real customer ops from the import path.
    const source = openCore({ dataDir: path.join(root, 'source'), keyHex: generateKeyHex(), appVersion: 'bench' });
    importCustomers(source.services, null, Array.from({ length: BATCH }, (_, i) => demoCustomer(seededRandom(100 + i))));
    const templates = allOps(source.db).filter((op) => op.entity === 'customer');
    source.close();
    const start = Date.now() - 60_000;
    const opAt = (n: number): StoredOp => {
      const template = templates[n % templates.length] as StoredOp;
      return { ...template, opId: `op_bench${String(n).padStart(12, '0')}`, deviceId: SOURCE, seq: n + 1, hlc: formatHlc({ wallMs: start, counter: n % 60_000, node: SOURCE }), entityId: `cus_bench${String(n).padStart(12, '0')}` };
    };
    const keyring = createKeyring('org_bench', 'site_bench');
    const sender = createDeskIdentity();
    const signer = privateKeyOf(sender.signPrivate);

    // As the sync service pulls (pullBatch): the page's manifest verified once on libuv's thread pool
    // and each op's hash checked against it, payloads decrypted, then everything applied through
    // OpLog.apply in one transaction. Timed in two parts.
    const run = async (total: number, label: string): Promise<{ seconds: number; openSeconds: number; maxRss: number; startRss: number; maxHeap: number; maxExternal: number }> => {
      const target = openCore({ dataDir: path.join(root, label), keyHex: generateKeyHex(), appVersion: 'bench' });
      const store = target.services.sync.store;
      target.services.transact(() => {
        store.setKeyring(keyring);
        store.trustDesk({ deskId: SOURCE, signPublic: sender.signPublic, boxPublic: sender.boxPublic });
      });
      let seconds = 0;
      let openSeconds = 0;
      const startRss = process.memoryUsage().rss;
      let maxRss = startRss;
      let maxHeap = 0;
      let maxExternal = 0;
      const signerKey = (deviceId: string): string | undefined => store.signerKey(deviceId);
      for (let index = 0; index < total; index += BATCH) {
        const { ops: wire, manifest } = sealOps(
          Array.from({ length: Math.min(BATCH, total - index) }, (_, k) => opAt(index + k)),
          SOURCE,
          'site_bench',
          keyring,
          signer,
        );
        // As the client hands them over: parsed from the page's JSON.
        const page = JSON.parse(JSON.stringify({ ops: wire, manifests: [manifest] })) as { ops: unknown[]; manifests: unknown[] };
        const started = performance.now();
        const book = new ManifestBook(page.manifests, keyring.siteId, signerKey);
        const opened = await Promise.all(page.ops.map((raw) => openOpAsync(raw, keyring.siteId, keyring, signerKey, book)));
        const verified = performance.now();
        const report = applyOpenedBatch(target.services, page.ops, opened, undefined, book);
        seconds += (performance.now() - started) / 1000;
        openSeconds += (verified - started) / 1000;
        if (report.applied !== wire.length) throw new Error(`only ${report.applied} of ${wire.length} applied (${report.reasons[0] ?? ''})`);
        const memory = process.memoryUsage();
        maxRss = Math.max(maxRss, memory.rss);
        maxHeap = Math.max(maxHeap, memory.heapUsed);
        maxExternal = Math.max(maxExternal, memory.external);
      }
      target.close();
      return { seconds, openSeconds, maxRss, startRss, maxHeap, maxExternal };
    };

    const line = (label: string, value: number, unit: string): void => console.log(`${label.padEnd(64)}${Math.round(value).toLocaleString('en').padStart(12)} ${unit}`);
    if (count > 0) {
      const pull = await run(count, 'pull');
      const baselineOps = Array.from({ length: count }, (_, n) => opAt(n));
      const raw = rawInserts(path.join(root, 'raw.db'), baselineOps, true);
      const rate = count / pull.seconds;
      console.log(`\nSync: first pull (${count.toLocaleString('en')} sealed customer ops, batches of 1,000 per transaction)`);
      line('ops pulled (verify + decrypt + apply) (target >= 20,000)', rate, 'ops/s');
      line('baseline: raw SQLCipher inserts of the same rows (op + projection)', count / raw, 'ops/s');
      line('  of which verify (manifests + op hashes) + decrypt, per second of it', count / pull.openSeconds, 'ops/s');
      line('  of which apply through OpLog.apply + commit, per second of it', count / (pull.seconds - pull.openSeconds), 'ops/s');
      line('baseline: Ed25519 verifications alone (thread pool), this machine now', await ed25519VerifyRate(), '/s');
      console.log(`${'ratio to raw inserts of the same rows (target >= 0.4)'.padEnd(64)}${(rate / (count / raw)).toFixed(2).padStart(12)}`);
    }
    if (rssCount > 0) {
      // Run in a process of its own (`--only sync-rss`) so that the throughput run's heap is not counted.
      const big = await run(rssCount, 'rss');
      line(`RSS peak during a ${rssCount.toLocaleString('en')}-op pull (target < 300 MB)`, big.maxRss / 1024 / 1024, 'MB');
      line('  RSS of this process when that pull started', big.startRss / 1024 / 1024, 'MB');
      line('  JS heap used, peak', big.maxHeap / 1024 / 1024, 'MB');
      line('  external (buffers), peak', big.maxExternal / 1024 / 1024, 'MB');
      line(`ops pulled in that run`, rssCount / big.seconds, 'ops/s');
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
