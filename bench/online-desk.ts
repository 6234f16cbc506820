/**
 * Online submissions on the desk (issue 15): a pulled submission opened (ECDH P-256 + HKDF +
 * AES-GCM through WebCrypto), validated and stored, then loaded by its receipt code at the counter
 * (found, claimed through the op log, audited, parsed for the walk-in form) — on the core's real
 * SQLCipher database. Target: decrypt + load under 50 ms. Baseline from the same run: a raw
 * SQLCipher read of the stored row by its receipt code. (`npm run bench -- --only online-desk`;
 * the server's submissions per second are the `online` section.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore } from '../electron/core/core';
import { generateKeyHex } from '../electron/core/db/key-file';
import { storePulled } from '../electron/core/online/online-service';
import { loadByReceipt } from '../electron/core/online/online-work';
import { createKeyring } from '../electron/core/sync/keyring';
import type { PulledSubmission } from '../shared/api/online-contract';
import { generateSubmissionKeyPair, sealSubmission } from '../shared/online/envelope';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import { percentile, printTable } from './stats';

const STAFF = 'stf_bench-online01';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const receiptOf = (n: number): string => Array.from({ length: 8 }, (_, i) => CROCKFORD[Math.floor(n / 32 ** i) % 32]).join('');

export async function benchOnlineDesk(samples = 200): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-online-'));
  const core = openCore({ dataDir: path.join(root, 'desk'), keyHex: generateKeyHex(), appVersion: 'bench' });
  try {
    const pair = await generateSubmissionKeyPair();
    core.services.transact(() => {
      core.services.sync.store.setKeyring({ ...createKeyring('org_bench', 'site_bench'), submission: { current: 'sk_bench', keys: { sk_bench: { ...pair, createdAt: Date.now() } } } });
      core.services.ops.append(null, { entity: 'staff', entityId: STAFF, changes: { username: 'bench.online', displayName: '线上', role: 'specialist', certified: true, active: true, passwordHash: 'scrypt$bench', createdAt: Date.now() } });
    });
    const decrypt: number[] = [];
    const load: number[] = [];
    const both: number[] = [];
    const raw: number[] = [];
    const read = core.db.prepare<[string], unknown>('SELECT * FROM online_submissions WHERE receipt_code = ?');
    for (let n = 0; n < samples; n += 1) {
      const customer = demoCustomer(seededRandom(500 + n));
      const fields = { name: customer.name, mobile: `139${String(10_000_000 + n).slice(-8)}`, idNumber: customer.idNumber, addressProvince: customer.addressProvince, addressCity: customer.addressCity };
      const payload = JSON.stringify({ v: 1, siteCode: 'site_bench', lang: 'zh-CN', fields, consent: { noticeVersion: '2026-11', purposes: ['registration'], idConsent: true, guardianConsent: false, marketing: false, method: 'online', paperFormNo: '' }, sealedAt: Date.now() });
      const envelope = await sealSubmission('sk_bench', pair.publicRaw, 'site_bench', payload);
      const receipt = receiptOf(n + 1);
      const item: PulledSubmission = { submissionId: `sub_bench${String(n).padStart(12, '0')}`, receiptCode: receipt, receivedAt: Date.now(), size: payload.length, envelope, erasedAt: null, cursor: String(n + 1) };
      let started = performance.now();
      const stored = await storePulled(core.services, [item], String(n + 1));
      const opened = performance.now() - started;
      if (stored.pulled !== 1 || stored.quarantined !== 0) throw new Error('a benchmark submission did not open');
      started = performance.now();
      read.get(receipt);
      raw.push(performance.now() - started);
      started = performance.now();
      loadByReceipt(core.services, STAFF, receipt);
      const loaded = performance.now() - started;
      decrypt.push(opened);
      load.push(loaded);
      both.push(opened + loaded);
    }
    printTable(`Online submissions on the desk (${samples} submissions, one at a time)`, [
      { name: 'open + validate + store one (WebCrypto)', samples: decrypt, baseline: 'raw SQLCipher read by receipt code', baselineSamples: raw },
      { name: 'load by receipt code (claim, audit)', samples: load, baseline: 'raw SQLCipher read by receipt code', baselineSamples: raw },
      { name: 'decrypt + load', samples: both, baseline: 'raw SQLCipher read by receipt code', baselineSamples: raw },
    ]);
    const p95 = percentile(both, 95);
    console.log(`decrypt + load p95 ${p95.toFixed(1)} ms (target < 50 ms): ${p95 < 50 ? 'met' : 'NOT met'}`);
  } finally {
    core.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
