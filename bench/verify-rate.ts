/**
 * How many Ed25519 signatures this machine verifies per second right now, on libuv's thread pool as
 * the server's push and the desk's pull do: the ceiling of both, measured in the same run, so a
 * loaded machine shows up in the figures instead of hiding in them.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';

export async function ed25519VerifyRate(count = 4_000): Promise<number> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(600, 7);
  const signature = sign(null, message, privateKey);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => new Promise<boolean>((resolve) => verify(null, message, publicKey, signature, (error, ok) => resolve(!error && ok)))));
  if (!results.every(Boolean)) throw new Error('a signature did not verify');
  return count / ((performance.now() - started) / 1000);
}
