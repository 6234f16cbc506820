import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredOp } from '../oplog/types';
import { openOp, sealOp } from './envelope';
import { signOp } from './wire-signing';
import { generateRecoveryKey } from '../backup/recovery-key';
import { BACKOFF_CAP_MS, backoffDelay } from './sync-engine';
import {
  KeyringError,
  createDeskIdentity,
  createKeyring,
  deskIdentitySchema,
  keyringSchema,
  openLocal,
  privateKeyOf,
  rotateKeyring,
  sealLocal,
  shortAuthString,
  unwrapKeyring,
  recoveryDesk,
  wrapKeyringFor,
} from './keyring';

const op = (over: Partial<StoredOp> = {}): StoredOp => ({
  opId: 'op_aaaaaaaaaaaaaaaaaaaa',
  deviceId: 'dev_one',
  seq: 7,
  hlc: '001765000000000-00000-dev_one',
  staffId: 'stf_1',
  entity: 'customer',
  entityId: 'cus_1',
  kind: 'customer',
  schemaVersion: 6,
  changes: { name: '张三', phone: '13800138000' },
  ...over,
});

describe('keyring and desk identity', () => {
  it('seals the keyring and identity on the desk under the database-derived key, and only that key opens them', () => {
    const sealKey = randomBytes(32);
    const keyring = createKeyring('org_1', 'site_1');
    const identity = createDeskIdentity();
    const sealedRing = sealLocal(sealKey, 'keyring', keyring);
    expect(sealedRing).not.toContain(keyring.dataKeys['1']!);
    expect(openLocal(sealKey, 'keyring', sealedRing, keyringSchema)).toEqual(keyring);
    expect(openLocal(sealKey, 'identity', sealLocal(sealKey, 'identity', identity), deskIdentitySchema)).toEqual(identity);
    expect(() => openLocal(randomBytes(32), 'keyring', sealedRing, keyringSchema)).toThrow(KeyringError);
    // A sealed identity cannot be opened as a keyring (the purpose is bound).
    expect(() => openLocal(sealKey, 'keyring', sealLocal(sealKey, 'identity', identity), keyringSchema)).toThrow(KeyringError);
  });

  it('wraps the keyring for a paired desk: only that desk opens it, and only from the desk both screens matched', () => {
    const keyring = createKeyring('org_1', 'site_1');
    const enroller = { deskId: 'dev_a', identity: createDeskIdentity() };
    const newcomer = { deskId: 'dev_b', identity: createDeskIdentity() };
    const intruder = { deskId: 'dev_b', identity: createDeskIdentity() };
    const newPublic = { deskId: 'dev_b', signPublic: newcomer.identity.signPublic, boxPublic: newcomer.identity.boxPublic };
    const enrollerPublic = { deskId: 'dev_a', signPublic: enroller.identity.signPublic, boxPublic: enroller.identity.boxPublic };
    const sasOnNew = shortAuthString(newPublic, enrollerPublic);
    const sasOnEnroller = shortAuthString(newPublic, enrollerPublic);
    expect(sasOnNew).toMatch(/^\d{6}$/);
    expect(sasOnNew).toBe(sasOnEnroller);
    // A server that substituted its own key would make the screens disagree.
    const swapped = shortAuthString({ ...newPublic, boxPublic: intruder.identity.boxPublic }, enrollerPublic);
    expect(swapped).not.toBe(sasOnNew);

    const wrapped = wrapKeyringFor(keyring, newPublic, enroller);
    expect(JSON.stringify(wrapped)).not.toContain(keyring.dataKeys['1']!);
    expect(unwrapKeyring(wrapped, newcomer, enroller.identity.boxPublic)).toEqual(keyring);
    expect(() => unwrapKeyring(wrapped, intruder, enroller.identity.boxPublic)).toThrow(KeyringError);
    // Made by anyone but the desk whose keys the screens matched, it does not open.
    expect(() => unwrapKeyring(wrapped, newcomer, createDeskIdentity().boxPublic)).toThrow(/not made by the enrolling desk/);
  });

  it('recovers the keyring with the printed recovery key (the backup key\'s), typed in any case with or without dashes', () => {
    const recovery = generateRecoveryKey();
    const keyring = { ...rotateKeyring(createKeyring('org_1', 'site_1')), recoveryKey: recovery };
    const enroller = { deskId: 'dsk_one', identity: createDeskIdentity() };
    const printed = recoveryDesk(recovery);
    // The same desk from the key however it is typed, and a different one from any other key.
    const typed = recoveryDesk(recovery.toLowerCase().replace(/-/g, ' '));
    expect(typed).toEqual(printed);
    expect(printed.deskId).toMatch(/^recovery-[0-9a-f]{20}$/);
    expect(recoveryDesk(generateRecoveryKey()).deskId).not.toBe(printed.deskId);
    const wrapped = wrapKeyringFor(keyring, { deskId: printed.deskId, signPublic: printed.identity.signPublic, boxPublic: printed.identity.boxPublic }, enroller);
    expect(unwrapKeyring(wrapped, typed, enroller.identity.boxPublic)).toEqual(keyring);
    const other = recoveryDesk(generateRecoveryKey());
    expect(() => unwrapKeyring(wrapped, { ...other, deskId: printed.deskId }, enroller.identity.boxPublic)).toThrow(KeyringError);
    expect(() => recoveryDesk('ABCD-EFGH')).toThrow(/32 letters and digits/);
  });
});

describe('the op envelope', () => {
  const siteId = 'site_1';
  const desk = createDeskIdentity();
  const signer = privateKeyOf(desk.signPrivate);
  const keys = (id: string) => (id === 'dev_one' ? desk.signPublic : undefined);

  it('carries the payload sealed: no personal value or staff id in clear, and it opens back to the same op', () => {
    const keyring = createKeyring('org_1', siteId);
    const sealed = sealOp(op(), siteId, keyring, signer);
    const wire = JSON.stringify(sealed);
    for (const value of ['张三', '13800138000', 'stf_1']) expect(wire).not.toContain(value);
    expect(sealed).toMatchObject({ opId: op().opId, siteId, deviceId: 'dev_one', seq: 7, keyVersion: 1, entity: 'customer', entityId: 'cus_1' });
    expect(openOp(sealed, siteId, keyring, keys)).toEqual({ ok: true, op: op() });
  });

  it('binds the ciphertext to its whole header: moved to another record, sequence or desk it does not open', () => {
    const keyring = createKeyring('org_1', siteId);
    const sealed = sealOp(op(), siteId, keyring, signer);
    const other = sealOp(op({ opId: 'op_bbbbbbbbbbbbbbbbbbbb', entityId: 'cus_2', seq: 8 }), siteId, keyring, signer);
    // Moving the payload to another op's header: the signature no longer matches.
    expect(openOp({ ...other, nonce: sealed.nonce, ciphertext: sealed.ciphertext }, siteId, keyring, keys)).toMatchObject({ ok: false, reason: 'bad_signature' });
    // Even a desk that re-signs a moved payload (a signer gone rogue) cannot make it decrypt under another header.
    const { signature: _dropped, ...moved } = { ...sealed, entityId: 'cus_2' };
    expect(openOp(signOp(signer, moved), siteId, keyring, keys)).toMatchObject({ ok: false, reason: 'undecryptable' });
    const { signature: _dropped2, ...reseq } = { ...sealed, seq: 9 };
    expect(openOp(signOp(signer, reseq), siteId, keyring, keys)).toMatchObject({ ok: false, reason: 'undecryptable' });
    expect(openOp({ ...sealed, seq: 9 }, siteId, keyring, keys)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(openOp(sealed, siteId, keyring, () => createDeskIdentity().signPublic)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(openOp(sealed, siteId, keyring, () => undefined)).toMatchObject({ ok: false, reason: 'unknown_desk' });
    expect(openOp(sealed, 'site_2', keyring, keys)).toMatchObject({ ok: false, reason: 'wrong_site' });
  });

  it('rotating the data key re-encrypts nothing: ops sealed under the old version still open, new ones use the new version', () => {
    const v1 = createKeyring('org_1', siteId);
    const old = sealOp(op(), siteId, v1, signer);
    const v2 = rotateKeyring(v1);
    const fresh = sealOp(op({ opId: 'op_cccccccccccccccccccc', seq: 8 }), siteId, v2, signer);
    expect(fresh.keyVersion).toBe(2);
    expect(openOp(old, siteId, v2, keys)).toMatchObject({ ok: true });
    expect(openOp(fresh, siteId, v2, keys)).toMatchObject({ ok: true });
    // A desk that was revoked before the rotation holds only version 1 and cannot read new ops.
    expect(openOp(fresh, siteId, v1, keys)).toMatchObject({ ok: false, reason: 'unknown_key_version' });
    // A wrong key under the right version number does not decrypt.
    const forged = { ...v2, dataKeys: { ...v2.dataKeys, '2': randomBytes(32).toString('base64') } };
    expect(openOp(fresh, siteId, forged, keys)).toMatchObject({ ok: false, reason: 'undecryptable' });
  });
});

describe('retry backoff', () => {
  it('doubles from about a second with jitter and never waits more than 5 minutes', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 0.999)).toBeLessThanOrEqual(1_000);
    expect(backoffDelay(4, () => 0.5)).toBe(6_000);
    for (const attempt of [10, 30, 1_000]) {
      expect(backoffDelay(attempt, () => 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
      expect(backoffDelay(attempt, () => 0)).toBe(BACKOFF_CAP_MS / 2);
    }
  });
});
