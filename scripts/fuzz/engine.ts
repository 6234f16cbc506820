/**
 * Fuzzing the browser host over its real WebSocket (fast-check generates the messages): envelopes
 * well and badly formed, every method in METHODS with inputs built from its own field names, deep
 * nesting, large values, text that is not JSON, binary frames, and the raw frame classes the host
 * must refuse (each on a connection of its own). Runs with and without a session, pipelining
 * requests over several connections. A crash is any of: the host process ended, its core worker
 * restarted, a request got no answer, an answer that is neither an error code from ERROR_CODES nor
 * a value valid under the method's output schema, or a bad frame not closed with its close code.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { z } from 'zod';
import { METHODS, isMethodName, type MethodName } from '../../shared/api/contract';
import { ERROR_CODES, requestIdOf, type RpcResult } from '../../shared/api/envelope';
import { BAD_FRAMES, rawUpgrade } from './raw-socket';

export interface FuzzTarget {
  origin: string;
  cookie: string;
  /** A manager's credentials on this desk, for the phases with a session. */
  credentials: { username: string; password: string };
  alive(): boolean;
  workerRestarts(): number;
}

export interface FuzzOptions {
  messages: number;
  seed?: number;
  /** Connections used in parallel, each with up to `window` requests in flight. */
  lanes?: number;
  window?: number;
  /** Messages generated and settled per round (the session changes between rounds). */
  round?: number;
  /** An answer later than this counts as a crash (the request hung). */
  answerTimeoutMs?: number;
  progress?: (line: string) => void;
}

export interface FuzzReport {
  messages: number;
  crashes: number;
  /** Answers INTERNAL (an error code, so not a crash, but worth a look). */
  internal: number;
  /** Rounds run signed in (the others ran without a session). */
  signedInRounds: number;
  /** The first problems found, for the report (at most 20). */
  problems: string[];
}

type Message =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'frame'; index: number };

const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'id', ''];

/** The field names a method's input takes (top level), so generated inputs reach its checks. */
function fieldNames(name: MethodName): string[] {
  const input: z.ZodType = METHODS[name].input;
  return input instanceof z.ZodObject ? Object.keys(input.shape) : [];
}

const FIELD_NAMES = new Map(METHOD_NAMES.map((name) => [name, fieldNames(name)]));

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'null', 'true', '110101199003071234', '13800138000', '2026-01-01', 'x'.repeat(600)),
);

/** A string of `length` repeated characters; sizes up to the limit without generating each one. */
const BIG_CHARS: ReadonlyArray<readonly [char: string, jsonBytes: number]> = [['a', 1], ['汉', 3], ['😀', 4], ['\u0000', 6], ['"', 2], ['\\', 2], ['\u2028', 3]];
const bigText = fc
  .record({ length: fc.integer({ min: 1_000, max: 990_000 }), char: fc.constantFrom(...BIG_CHARS) })
  .map(({ length, char: [char, bytes] }) => char.repeat(Math.min(length, Math.floor(990_000 / bytes))));

/** Nesting as text (arrays or objects), up to far beyond the limit. */
const deepText = fc.record({ depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6_000 })), objects: fc.boolean() }).map(({ depth, objects }) =>
  objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`,
);

function inputFor(name: string): fc.Arbitrary<string> {
  const fields = (isMethodName(name) ? FIELD_NAMES.get(name) : undefined) ?? [];
  const keys = fc.constantFrom(...fields, ...RESERVED_KEYS, 'extra');
  const value: fc.Arbitrary<unknown> = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.dictionary(keys, scalar, { maxKeys: 4 }) });
  const shaped = fc.dictionary(keys, value, { minKeys: 0, maxKeys: fields.length + 2 }).map((input) => JSON.stringify(input));
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((input) => JSON.stringify(input) ?? 'null') },
    { weight: 1, arbitrary: deepText },
    { weight: 1, arbitrary: bigText.map((text) => JSON.stringify({ [fields[0] ?? 'value']: text })) },
    { weight: 1, arbitrary: fc.constant('{}') },
  );
}

const methodName = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...METHOD_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'toString', 'app', 'app.', 'x'.repeat(101), 'APP.PING', 'hasOwnProperty') });

/** A well-formed envelope with an id the fuzzer chooses (set later), a method and an input. */
const envelope = methodName.chain((name) => inputFor(name).map((input) => ({ name, input })));

const badId = fc.oneof(fc.constant(null), fc.constant('1'), fc.integer({ min: -5, max: -1 }), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.constant([1]), fc.constant({}));

/** Envelopes that are malformed in one way or another. */
const malformed = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.record({ id: badId, method: fc.constantFrom(...METHOD_NAMES), input: fc.constant({}) }).map((value) => JSON.stringify(value)),
  fc.record({ id: fc.nat(), method: fc.oneof(fc.integer(), fc.constant(null), fc.constant(['app.ping']), fc.constant({})) }).map((value) => JSON.stringify(value)),
  fc.record({ id: fc.nat() }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.nat().map((id) => `{"id":${id},"method":"app.ping","input":{},"__proto__":{"admin":true}}`),
  fc.nat().map((id) => `{"id":${id},"id":"again","method":"app.ping"}`),
  fc.nat().map((id) => `{"id":1e309,"method":"app.ping","n":${id}}`),
);

/** Text that is not JSON, or JSON in an encoding the host does not take. */
const notJson = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant('\uFEFF{"id":1,"method":"app.ping","input":{}}'),
  fc.constant('{"id":1,"method":"app.ping",'),
  fc.constant(''),
  fc.nat().map((n) => '['.repeat(n % 5_000 + 1)),
);

export function messageArbitrary(): fc.Arbitrary<Message> {
  return fc.oneof(
    { weight: 70, arbitrary: envelope.map(({ name, input }): Message => ({ kind: 'text', text: `{"id":__ID__,"method":${JSON.stringify(name)},"input":${input}}` })) },
    { weight: 12, arbitrary: malformed.map((text): Message => ({ kind: 'text', text })) },
    { weight: 8, arbitrary: notJson.map((text): Message => ({ kind: 'text', text })) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Message => ({ kind: 'binary', bytes })) },
    { weight: 2, arbitrary: fc.nat({ max: BAD_FRAMES.length - 1 }).map((index): Message => ({ kind: 'frame', index })) },
  );
}

interface Expectation {
  method: string | undefined;
  sentAt: number;
}

/** One WebSocket with requests pipelined on it, matched to answers by id. */
class Lane {
  private nextId = 1;
  private inFlight = 0;
  private readonly pending = new Map<number, Expectation[]>();
  /** Ids of the lane's own calls (session upkeep), answered through call(). */
  private readonly calls = new Set<number>();
  private readonly slots: Array<() => void> = [];
  private readonly drained: Array<() => void> = [];
  closed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly window: number,
    private readonly problem: (text: string) => void,
  ) {
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      this.closed = true;
      if (this.inFlight > 0) problem(`a connection closed (code ${code}) with ${this.inFlight} requests unanswered`);
      this.pending.clear();
      this.inFlight = 0;
      for (const wake of this.slots.splice(0)) wake();
      for (const wake of this.drained.splice(0)) wake();
    });
  }

  static open(target: FuzzTarget, window: number, problem: (text: string) => void): Promise<Lane> {
    const ws = new WebSocket(`${target.origin.replace('http', 'ws')}/rpc`, { headers: { Cookie: target.cookie, Origin: target.origin }, maxPayload: 64 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Lane(ws, window, problem)));
      ws.once('error', reject);
    });
  }

  /** Call a method and wait for its answer (outside the fuzz stream: session upkeep). */
  async call(method: MethodName, input: unknown): Promise<RpcResult<unknown>> {
    return new Promise((resolve) => {
      const id = 2 ** 40 + this.nextId++;
      this.calls.add(id);
      const onMessage = (data: WebSocket.RawData): void => {
        const answer = JSON.parse(data.toString()) as { type?: string; id?: number; result?: RpcResult<unknown> };
        if (answer.type === 'response' && answer.id === id && answer.result) {
          this.ws.off('message', onMessage);
          this.calls.delete(id);
          resolve(answer.result);
        }
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ id, method, input }));
    });
  }

  async send(message: Exclude<Message, { kind: 'frame' }>): Promise<void> {
    while (this.inFlight >= this.window && !this.closed) await new Promise<void>((wake) => this.slots.push(wake));
    if (this.closed) return;
    let expectId = -1;
    let method: string | undefined;
    if (message.kind === 'binary') {
      this.ws.send(message.bytes, { binary: true });
    } else {
      const id = this.nextId++;
      const text = message.text.replace('__ID__', String(id));
      try {
        const parsed: unknown = JSON.parse(text);
        expectId = requestIdOf(parsed);
        // A "malformed" message may happen to be a valid call: judge its answer by its method.
        const named = typeof parsed === 'object' && parsed !== null ? (parsed as { method?: unknown }).method : undefined;
        method = typeof named === 'string' ? named : undefined;
      } catch {
        expectId = -1;
      }
      this.ws.send(text);
    }
    this.inFlight += 1;
    const list = this.pending.get(expectId) ?? [];
    list.push({ method, sentAt: Date.now() });
    this.pending.set(expectId, list);
  }

  /** Resolves once every request sent so far has its answer (or the connection closed). */
  drain(): Promise<void> {
    if (this.inFlight === 0 || this.closed) return Promise.resolve();
    return new Promise((wake) => this.drained.push(wake));
  }

  /** Requests older than `timeoutMs` are reported as hung and forgotten. */
  expire(now: number, timeoutMs: number): void {
    for (const [id, list] of this.pending) {
      for (let oldest = list[0]; oldest && now - oldest.sentAt > timeoutMs; oldest = list[0]) {
        list.shift();
        this.inFlight -= 1;
        this.problem(`no answer within ${timeoutMs} ms (id ${id})`);
      }
      if (list.length === 0) this.pending.delete(id);
    }
    this.wake();
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    while (this.inFlight < this.window) {
      const wake = this.slots.shift();
      if (!wake) break;
      wake();
    }
    if (this.inFlight === 0) for (const wake of this.drained.splice(0)) wake();
  }

  private onMessage(text: string): void {
    let answer: { type?: unknown; id?: unknown; result?: unknown; event?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      return this.problem('the host sent text that is not JSON');
    }
    if (answer.type === 'event') {
      if (answer.event === 'core.restarted') this.problem('the core restarted');
      return;
    }
    if (answer.type !== 'response' || typeof answer.id !== 'number') return this.problem(`an answer without a response id: ${text.slice(0, 200)}`);
    if (this.calls.has(answer.id)) return; // session upkeep, answered to call()
    const list = this.pending.get(answer.id) ?? [];
    const expected = list.shift();
    if (!expected) return this.problem(`an answer for id ${answer.id} that nobody asked for`);
    if (list.length === 0) this.pending.delete(answer.id);
    this.inFlight -= 1;
    const problem = checkAnswer(expected.method, answer.result);
    if (problem) this.problem(problem);
    this.wake();
  }
}

const answerSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);

export const answerStats = { internal: 0 };

function checkAnswer(method: string | undefined, result: unknown): string | undefined {
  const parsed = answerSchema.safeParse(result);
  if (!parsed.success) return `an answer that is neither a result nor a known error: ${JSON.stringify(result).slice(0, 200)}`;
  if (!parsed.data.ok) {
    if (parsed.data.error.code === 'INTERNAL') answerStats.internal += 1;
    // The core restarting (or being away) is exactly what must not happen.
    if (parsed.data.error.code === 'CORE_RESTARTED' || parsed.data.error.code === 'CORE_UNAVAILABLE') {
      return `${method ?? 'a malformed request'} answered ${parsed.data.error.code}`;
    }
    return undefined;
  }
  if (!method || !isMethodName(method)) return `a result for a request that could not succeed (${method ?? 'malformed'})`;
  const output: z.ZodType = METHODS[method].output;
  if (!output.safeParse(parsed.data.value).success) return `${method} returned a value outside its output schema`;
  return undefined;
}

async function sendBadFrame(target: FuzzTarget, index: number, problem: (text: string) => void): Promise<void> {
  const spec = BAD_FRAMES[index];
  if (!spec) return;
  let connection;
  try {
    connection = await rawUpgrade(target.origin, target.cookie);
  } catch (error) {
    return problem(`upgrade for a raw frame failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  connection.write(spec.frame());
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 10_000).unref());
  const code = await Promise.race([connection.closed, timeout]);
  connection.destroy();
  if (code !== spec.expect) problem(`${spec.name}: closed with ${code}, expected ${spec.expect}`);
}

/**
 * Make sure the lane's client is signed in and unlocked (wanted) or signed out; true when it is
 * signed in afterwards (the fuzz may have locked the account with wrong passwords meanwhile).
 */
async function setSession(lane: Lane, target: FuzzTarget, wanted: boolean): Promise<boolean> {
  const session = await lane.call('auth.session', {});
  const state = session.ok ? (session.value as { state: string }).state : 'none';
  if (!wanted) {
    if (state !== 'none') await lane.call('auth.logout', {});
    return false;
  }
  if (state === 'active') return true;
  const result = state === 'locked' ? await lane.call('auth.unlock', { password: target.credentials.password }) : await lane.call('auth.login', target.credentials);
  return result.ok && (result.value as { state: string }).state === 'active';
}

export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const laneCount = options.lanes ?? 4;
  const window = options.window ?? 64;
  const round = options.round ?? 1_000;
  const timeoutMs = options.answerTimeoutMs ?? 30_000;
  const problems: string[] = [];
  let crashes = 0;
  const problem = (text: string): void => {
    crashes += 1;
    if (problems.length < 20) problems.push(text);
  };
  const restartsBefore = target.workerRestarts();
  const internalBefore = answerStats.internal;
  const lanes = await Promise.all(Array.from({ length: laneCount }, () => Lane.open(target, window, problem)));
  const [firstLane] = lanes;
  if (!firstLane) throw new Error('the fuzzer needs at least one connection');
  const watchdog = setInterval(() => {
    for (const lane of lanes) lane.expire(Date.now(), timeoutMs);
  }, 1_000);
  const arbitrary = messageArbitrary();
  let sent = 0;
  let signedInRounds = 0;
  try {
    for (let roundIndex = 0; sent < options.messages; roundIndex += 1) {
      if (!target.alive()) break;
      const count = Math.min(round, options.messages - sent);
      const batch = fc.sample(arbitrary, { numRuns: count, seed: seed + roundIndex });
      const withSession = roundIndex % 2 === 1;
      if (await setSession(firstLane, target, withSession)) signedInRounds += 1;
      const frames: number[] = [];
      const sending: Array<Promise<void>> = lanes.map(async (lane, laneIndex) => {
        for (let i = laneIndex; i < batch.length; i += lanes.length) {
          const message = batch[i];
          if (!message) continue;
          if (message.kind === 'frame') frames.push(message.index);
          else await lane.send(message);
        }
      });
      await Promise.all(sending);
      for (const index of frames) await sendBadFrame(target, index, problem);
      await Promise.all(lanes.map((lane) => lane.drain()));
      sent += count;
      for (const lane of lanes) if (lane.closed) problem('a fuzz connection was closed by the host');
      if (lanes.some((lane) => lane.closed)) break;
      options.progress?.(`fuzz: ${sent} messages sent (seed ${seed}, ${withSession ? 'with' : 'without'} a session)`);
    }
  } finally {
    clearInterval(watchdog);
    for (const lane of lanes) lane.close();
  }
  if (!target.alive()) problem('the host process exited');
  const restarts = target.workerRestarts() - restartsBefore;
  if (restarts > 0) problem(`the core worker restarted ${restarts} time(s)`);
  // The host still answers after everything.
  if (target.alive()) {
    const probe = await Lane.open(target, 1, problem).catch(() => undefined);
    if (!probe) problem('the host no longer accepts connections');
    else {
      const ping = await probe.call('app.ping', {});
      if (!ping.ok) problem('the host no longer answers app.ping');
      probe.close();
    }
  }
  return { messages: sent, crashes, internal: answerStats.internal - internalBefore, signedInRounds, problems };
}

/** First-run setup on the fuzz target's client, so that the phases with a session can sign in. */
export async function setUpForFuzz(target: FuzzTarget): Promise<void> {
  const lane = await Lane.open(target, 1, () => undefined);
  const result = await lane.call('setup.initialize', {
    organisationName: 'Fuzz Lodge',
    siteName: 'Fuzz Site',
    deskName: 'Desk 1',
    manager: { username: target.credentials.username, displayName: 'Fuzz Manager', password: target.credentials.password },
  });
  lane.close();
  if (!result.ok) throw new Error(`setup failed: ${result.error.code}`);
}
