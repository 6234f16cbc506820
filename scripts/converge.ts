/**
 * `npm run converge -- --desks N --ops M --seed S`: runs the convergence simulation (scripts/simulate.ts)
 * and prints `converge: desks N ops M identical yes digest <hex> conflicts K` (exit 1 when not identical).
 */
import { simulate } from './simulate';

function intArg(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a whole number`);
  return value;
}

try {
  const argv = process.argv.slice(2);
  const ops = intArg(argv, '--ops', 200);
  const result = simulate({ desks: Math.max(2, intArg(argv, '--desks', 3)), ops, seed: intArg(argv, '--seed', 1) });
  // The last action may make a few ops more than asked (a submit writes several); the line names the run asked for.
  process.stdout.write(`made ${result.ops} ops on ${result.desks} desks, exchanged in a seeded random order with duplicates\n`);
  process.stdout.write(`converge: desks ${result.desks} ops ${ops} identical ${result.identical ? 'yes' : 'no'} digest ${result.digest} conflicts ${result.conflicts}\n`);
  if (!result.identical) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`converge failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 2;
}
