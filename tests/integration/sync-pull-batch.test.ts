// Issue 10 (pull throughput): the sync service opens a pulled batch with its signatures verified on
// libuv's thread pool, then applies it in one transaction — with the same answers as the synchronous
// path: what verifies is applied once, what does not is kept sealed in quarantine with the reason.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { importCustomers } from '../../electron/core/customers/import';
import { allOps } from '../../electron/core/oplog/digest';
import { sealOp, sealOps } from '../../electron/core/sync/envelope';
import { createDeskIdentity, createKeyring, privateKeyOf } from '../../electron/core/sync/keyring';
import { applyPulledBatch, pullBatch, retryQuarantined } from '../../electron/core/sync/sync-engine';
import { demoCustomer, seededRandom } from '../../shared/domain/demo';
import { TEST_CLOCK_START, tempDataDir } from '../support/desk';

const cores: Core[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

function desk(label: string): Core {
  const core = openCore({ dataDir: tempDataDir(label), keyHex: generateKeyHex(), appVersion: 'test', now: () => TEST_CLOCK_START });
  cores.push(core);
  return core;
}

describe('pulling a batch', () => {
  it('applies what verifies and quarantines a forged op, the same on the thread pool as in line', async () => {
    const source = desk('pull-source');
    const random = seededRandom(12);
    importCustomers(source.services, null, Array.from({ length: 40 }, () => demoCustomer(random)));
    const ops = allOps(source.db).filter((op) => op.entity === 'customer');
    const keyring = createKeyring('org_pull', 'site_pull');
    const sender = createDeskIdentity();
    const wire = ops.map((op) => sealOp(op, 'site_pull', keyring, privateKeyOf(sender.signPrivate)));
    // One op whose payload was swapped for another's: its signature no longer matches.
    const forged = { ...wire[7]!, ciphertext: wire[8]!.ciphertext };
    const batch = [...wire.slice(0, 7), forged, ...wire.slice(8)];

    const reports = [];
    for (const [label, run] of [['pool', pullBatch], ['inline', applyPulledBatch]] as const) {
      const target = desk(`pull-${label}`);
      const store = target.services.sync.store;
      target.services.transact(() => {
        store.setKeyring(keyring);
        store.trustDesk({ deskId: source.services.ctx.deviceId, signPublic: sender.signPublic, boxPublic: sender.boxPublic });
      });
      const report = await run(target.services, store, batch);
      expect(report).toEqual({ applied: ops.length - 1, duplicate: 0, quarantined: 1, reasons: ['bad_signature'] });
      expect(target.services.ops.quarantinedSealed().map((held) => held.opId)).toEqual([ops[7]!.opId]);
      expect((target.db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n).toBe(ops.length - 1);
      // Pulled again: nothing new, nothing doubled.
      expect(await run(target.services, store, wire.slice(0, 7))).toEqual({ applied: 0, duplicate: 7, quarantined: 0, reasons: [] });
      reports.push(report);
    }
    expect(reports[0]).toEqual(reports[1]);
  });

  it('opens a batch signed once by a manifest: each op against its hash, a swapped payload or another desk’s manifest refused, an unknown signer kept sealed, its manifest kept once, until the signer is known', async () => {
    const source = desk('manifest-source');
    importCustomers(source.services, null, Array.from({ length: 30 }, (_, i) => demoCustomer(seededRandom(200 + i))));
    const ops = allOps(source.db).filter((op) => op.entity === 'customer');
    const keyring = createKeyring('org_pull', 'site_pull');
    const sender = createDeskIdentity();
    const stranger = createDeskIdentity();
    const deviceId = source.services.ctx.deviceId;
    const { ops: wire, manifest } = sealOps(ops, deviceId, 'site_pull', keyring, privateKeyOf(sender.signPrivate));
    expect(wire.every((op) => op.signature === undefined && op.manifestId === manifest.manifestId)).toBe(true);
    // A payload swapped after signing; a manifest a stranger signed claiming the sender's device.
    const swapped = { ...wire[3]!, ciphertext: wire[4]!.ciphertext };
    const claimed = sealOps([ops[5]!], deviceId, 'site_pull', keyring, privateKeyOf(stranger.signPrivate));

    for (const [label, run] of [['pool', pullBatch], ['inline', applyPulledBatch]] as const) {
      const target = desk(`manifest-${label}`);
      const store = target.services.sync.store;
      target.services.transact(() => {
        store.setKeyring(keyring);
        store.trustDesk({ deskId: deviceId, signPublic: sender.signPublic, boxPublic: sender.boxPublic });
      });
      const batch = [...wire.slice(0, 3), swapped, wire[4]!, claimed.ops[0]!, ...wire.slice(6)];
      const report = await run(target.services, store, batch, undefined, [manifest, claimed.manifest]);
      expect(report).toEqual({ applied: ops.length - 2, duplicate: 0, quarantined: 2, reasons: ['bad_signature', 'bad_signature'] });
      expect(target.services.ops.quarantinedSealed().map((held) => held.opId).sort()).toEqual([ops[3]!.opId, ops[5]!.opId].sort());
      // Without the page's manifests nothing verifies.
      expect((await run(target.services, store, [wire[5]!])).reasons).toEqual(['bad_signature']);
      // A trusted desk's own manifest vouches for nothing written under another desk's id.
      target.services.transact(() => store.trustDesk({ deskId: 'dev_otherdesk01', signPublic: stranger.signPublic, boxPublic: stranger.boxPublic }));
      const borrowed = sealOps([ops[5]!], 'dev_otherdesk01', 'site_pull', keyring, privateKeyOf(stranger.signPrivate));
      expect(borrowed.ops[0]!.deviceId).toBe(deviceId);
      expect((await run(target.services, store, borrowed.ops, undefined, [borrowed.manifest])).reasons).toEqual(['bad_signature']);
    }

    // A desk not yet known: kept sealed with the manifest that signs it, opened once the desk is trusted.
    const later = desk('manifest-later');
    const store = later.services.sync.store;
    later.services.transact(() => store.setKeyring(keyring));
    const report = await pullBatch(later.services, store, wire, undefined, [manifest]);
    expect(report).toMatchObject({ applied: 0, quarantined: ops.length, reasons: Array.from({ length: ops.length }, () => 'unknown_desk') });
    // The manifest is kept once, not once per waiting op.
    const manifests = (): number => (later.db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'sync_manifest:%'").get() as { n: number }).n;
    expect(manifests()).toBe(1);
    // Still unknown: nothing opens, and the manifest stays for the ops that wait.
    expect(retryQuarantined(later.services, store)).toBe(0);
    expect(manifests()).toBe(1);
    later.services.transact(() => store.trustDesk({ deskId: deviceId, signPublic: sender.signPublic, boxPublic: sender.boxPublic }));
    expect(retryQuarantined(later.services, store)).toBe(ops.length);
    expect((later.db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n).toBe(ops.length);
    // Nothing waits for it any more: let go.
    expect(manifests()).toBe(0);
  });
});
