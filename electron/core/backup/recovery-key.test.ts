import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeRecoveryKey, generateRecoveryKey, parseRecoveryKey, unwrapBackupKey, wrapBackupKey } from './recovery-key';

describe('recovery key', () => {
  it('prints as eight groups of four and reads back forgivingly (case, spaces, O for 0, I and L for 1)', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff01234567', 'hex');
    const printed = encodeRecoveryKey(bytes);
    expect(printed).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKey(printed)?.equals(bytes)).toBe(true);
    const sloppy = printed.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseRecoveryKey(sloppy)?.equals(bytes)).toBe(true);
    expect(parseRecoveryKey(printed.slice(0, -1))).toBeNull();
    expect(parseRecoveryKey(`${printed.slice(0, -1)}U`)).toBeNull();
    expect(generateRecoveryKey()).not.toBe(generateRecoveryKey());
  });

  it('unwraps the backup key only with the same recovery key, organisation and key id', () => {
    const backupKey = randomBytes(32);
    const secret = parseRecoveryKey(generateRecoveryKey())!;
    const other = parseRecoveryKey(generateRecoveryKey())!;
    const wrapped = wrapBackupKey(backupKey, secret, 'org_a', 'bkk_1');
    expect(unwrapBackupKey(wrapped, secret, 'org_a', 'bkk_1')?.equals(backupKey)).toBe(true);
    expect(unwrapBackupKey(wrapped, other, 'org_a', 'bkk_1')).toBeNull();
    expect(unwrapBackupKey(wrapped, secret, 'org_b', 'bkk_1')).toBeNull();
    expect(unwrapBackupKey(wrapped, secret, 'org_a', 'bkk_2')).toBeNull();
  });
});
