// Issue 15: the submission key pair rides in the keyring (an optional field), and receipt codes are
// read the way people and barcode wedges type them.
import { describe, expect, it } from 'vitest';
import { generateSubmissionKeyPair, openSubmission, sealSubmission } from '../../../shared/online/envelope';
import { createDeskIdentity, createKeyring, keyringSchema, mergeKeyrings, rotateKeyring, unwrapKeyring, wrapKeyringFor } from '../sync/keyring';
import { normaliseReceiptCode } from './online-service';

describe('the submission key pair in the keyring', () => {
  it('reads a keyring from before online submissions, and carries a pair to another desk that opens what a phone sealed', async () => {
    const before = createKeyring('org_a', 'site_a');
    expect(keyringSchema.parse(JSON.parse(JSON.stringify(before)))).toEqual(before);
    const pair = await generateSubmissionKeyPair();
    const withKey = rotateKeyring({ ...before, submission: { current: 'sk_1', keys: { sk_1: { ...pair, createdAt: 1 } } } });
    const sender = { deskId: 'dev_one', identity: createDeskIdentity() };
    const recipient = { deskId: 'dev_two', identity: createDeskIdentity() };
    const wrapped = wrapKeyringFor(withKey, { deskId: recipient.deskId, signPublic: recipient.identity.signPublic, boxPublic: recipient.identity.boxPublic }, sender);
    const received = unwrapKeyring(wrapped, recipient, sender.identity.boxPublic);
    // Desk two held the old keyring: merging keeps its data keys and takes the pair.
    const merged = mergeKeyrings(before, received);
    expect(merged.current).toBe(2);
    expect(Object.keys(merged.dataKeys).sort()).toEqual(['1', '2']);
    expect(merged.submission?.current).toBe('sk_1');
    const envelope = await sealSubmission('sk_1', pair.publicRaw, 'site_a', '{"v":1}');
    expect(await openSubmission(merged.submission?.keys['sk_1']?.privatePkcs8 ?? '', 'site_a', envelope)).toBe('{"v":1}');
  });

  it('keeps every pair and takes the newer one as current when two copies meet', () => {
    const base = createKeyring('org_a', 'site_a');
    const a = { ...base, submission: { current: 'sk_old', keys: { sk_old: { publicRaw: 'A'.repeat(87), privatePkcs8: 'B'.repeat(184), createdAt: 1 } } } };
    const b = { ...base, submission: { current: 'sk_new', keys: { sk_new: { publicRaw: 'C'.repeat(87), privatePkcs8: 'D'.repeat(184), createdAt: 2 } } } };
    for (const merged of [mergeKeyrings(a, b), mergeKeyrings(b, a)]) {
      expect(merged.submission?.current).toBe('sk_new');
      expect(Object.keys(merged.submission?.keys ?? {}).sort()).toEqual(['sk_new', 'sk_old']);
    }
  });
});

describe('receipt codes at the counter', () => {
  it('reads any case, spaces and dashes, and O for 0 and I or L for 1; refuses anything else', () => {
    expect(normaliseReceiptCode('ab12-cd34')).toBe('AB12CD34');
    expect(normaliseReceiptCode(' AB12 CD34 ')).toBe('AB12CD34');
    expect(normaliseReceiptCode('OILO-1234')).toBe('0110' + '1234');
    expect(normaliseReceiptCode('AB12CD3')).toBeNull();
    expect(normaliseReceiptCode('AB12CD3U')).toBeNull();
    expect(normaliseReceiptCode('张三')).toBeNull();
  });
});
