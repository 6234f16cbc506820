import { describe, expect, it } from 'vitest';
import { EnvelopeError, fromBase64Url, generateSubmissionKeyPair, openSubmission, sealSubmission, toBase64Url } from './envelope';

describe('online submission envelope', () => {
  it('opens what the page sealed, and only with the right key and site', async () => {
    const keys = await generateSubmissionKeyPair();
    const other = await generateSubmissionKeyPair();
    const text = JSON.stringify({ name: '张三', phone: '+8613800138000' });
    const sealed = await sealSubmission('k1', keys.publicRaw, 'SITE-A', text);
    expect(sealed.ct).not.toContain('13800138000');
    expect(await openSubmission(keys.privatePkcs8, 'SITE-A', sealed)).toBe(text);
    await expect(openSubmission(other.privatePkcs8, 'SITE-A', sealed)).rejects.toMatchObject({ code: 'tampered' });
    await expect(openSubmission(keys.privatePkcs8, 'SITE-B', sealed)).rejects.toMatchObject({ code: 'tampered' });
  });

  it('reports a flipped bit as tampered and a broken envelope as malformed', async () => {
    const keys = await generateSubmissionKeyPair();
    const sealed = await sealSubmission('k1', keys.publicRaw, 'S', 'hello');
    const ct = fromBase64Url(sealed.ct);
    ct[0] = (ct[0] ?? 0) ^ 1;
    await expect(openSubmission(keys.privatePkcs8, 'S', { ...sealed, ct: toBase64Url(ct) })).rejects.toBeInstanceOf(EnvelopeError);
    await expect(openSubmission(keys.privatePkcs8, 'S', { ...sealed, ct: toBase64Url(ct) })).rejects.toMatchObject({ code: 'tampered' });
    await expect(openSubmission(keys.privatePkcs8, 'S', { v: 2 })).rejects.toMatchObject({ code: 'malformed' });
    await expect(openSubmission(keys.privatePkcs8, 'S', { ...sealed, epk: 'A'.repeat(87) })).rejects.toMatchObject({ code: 'malformed' });
  });
});
