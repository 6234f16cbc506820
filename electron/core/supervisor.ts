/**
 * Runs the core worker for a shell: routes requests and responses, relays events, and starts the
 * worker again if it dies. Requests that were in flight when it died are answered CORE_RESTARTED
 * (their outcome is unknown to the caller; what was committed stays committed); requests that
 * arrive while it restarts wait for it. Node-only: both shells use it, neither imports the other.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { fail, requestIdOf, requestShapeProblem, type RpcResponse } from '../../shared/api/envelope';
import type { RpcEvent } from '../../shared/api/events';
import { createLogger } from './logger';
import type { CoreWorkerData, FromCore, ToCore } from './protocol';

const log = createLogger('core/supervisor');

export class CoreStartError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CoreStartError';
  }
}

/** The worker's answers come serialised (a string); those made here are objects. */
type Answer = RpcResponse | string;

interface Pending {
  clientId: string;
  request: unknown;
  resolve: (answer: Answer) => void;
}

export interface SupervisorEvents {
  event: [clientId: string | null, event: RpcEvent];
  restarted: [reason: string];
  fatal: [error: CoreStartError];
}

export class CoreSupervisor extends EventEmitter<SupervisorEvents> {
  private worker: Worker | undefined;
  private ready = false;
  private stopping = false;
  private nextKey = 1;
  private restartDelayMs = 200;
  private lastStart = 0;
  private restartCount = 0;
  /** Keyed by the supervisor's own number: request ids are only unique per client. */
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting: Pending[] = [];

  constructor(
    private readonly workerFile: string,
    private data: CoreWorkerData,
  ) {
    super();
  }

  /** Start the worker; rejects with CoreStartError if the database cannot be opened. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.lastStart = Date.now();
      const worker = new Worker(this.workerFile, { workerData: this.data, name: 'intake-desk-core' });
      this.worker = worker;
      let settled = false;
      worker.on('message', (message: FromCore) => {
        switch (message.type) {
          case 'ready':
            this.ready = true;
            settled = true;
            this.flushWaiting();
            resolve();
            return;
          case 'fatal': {
            const error = new CoreStartError(message.code, message.message);
            this.stopping = true;
            worker.terminate().catch(() => undefined);
            if (!settled) reject(error);
            else this.emit('fatal', error);
            settled = true;
            return;
          }
          case 'response':
            this.settle(message.key, message.json);
            return;
          case 'event':
            this.emit('event', message.clientId, message.event);
            return;
          case 'flushed':
            return;
        }
      });
      worker.on('error', (error) => log.error('core worker error', { error: error.name }));
      worker.on('exit', (code) => {
        this.ready = false;
        this.worker = undefined;
        this.failInFlight();
        if (this.stopping) return;
        if (!settled) {
          settled = true;
          reject(new CoreStartError('exited', `the core stopped while starting (exit code ${code})`));
          return;
        }
        this.scheduleRestart(`exit code ${code}`);
      });
    });
  }

  /** Start again after a fatal start (the recovery screen restored the database, with its key). */
  restartAfterRecovery(keyHex: string): Promise<void> {
    this.data = { ...this.data, keyHex };
    this.stopping = false;
    return this.start();
  }

  /**
   * Pass a request to the core and resolve with its answer; never rejects. A request deeper than
   * MAX_REQUEST_DEPTH or larger than MAX_REQUEST_BYTES is answered BAD_REQUEST here, before it is
   * copied to the worker (a deep value would overflow the stack of the structured clone).
   */
  call(clientId: string, request: unknown): Promise<RpcResponse> {
    return this.answer(clientId, request).then((answer) => (typeof answer === 'string' ? (JSON.parse(answer) as RpcResponse) : answer));
  }

  /**
   * The same as `call`, the answer as JSON text: the browser host sends the worker's own
   * serialisation on as it is, so a large answer (a page of 500 results, the review queues) is
   * neither cloned between threads nor serialised twice.
   */
  callSerialized(clientId: string, request: unknown): Promise<string> {
    return this.answer(clientId, request).then((answer) => (typeof answer === 'string' ? answer : JSON.stringify(answer)));
  }

  private answer(clientId: string, request: unknown): Promise<Answer> {
    return new Promise((resolve) => {
      const problem = requestShapeProblem(request);
      if (problem !== undefined) {
        resolve({ id: requestIdOf(request), result: fail('BAD_REQUEST', `the request is ${problem}`) });
        return;
      }
      const pending: Pending = { clientId, request, resolve };
      if (this.stopping && !this.worker) {
        resolve({ id: requestIdOf(request), result: fail('CORE_UNAVAILABLE', 'the core is not running') });
      } else if (this.ready) this.send(pending);
      else this.waiting.push(pending);
    });
  }

  clientClosed(clientId: string): void {
    if (this.ready) this.post({ type: 'client_closed', clientId });
  }

  /** Terminate the worker as a crash would; the supervisor restarts it. For drills and tests. */
  async crashForTesting(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Stop the worker: it first writes what waits to be written (the signed audit head), for at most 2 seconds. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    if (this.ready) await flushBeforeStop(worker);
    await worker.terminate();
  }

  /** Requests waiting for an answer or for the worker (0 when nothing is outstanding). */
  get pendingRequests(): number {
    return this.inFlight.size + this.waiting.length;
  }

  /** Number of times the worker was started again after it stopped (0 while it never died). */
  get restarts(): number {
    return this.restartCount;
  }

  private send(pending: Pending): void {
    const key = this.nextKey++;
    this.inFlight.set(key, pending);
    try {
      this.post({ type: 'request', clientId: pending.clientId, key, request: pending.request });
    } catch {
      // The request cannot be copied to the worker: answer it here and free its slot.
      this.inFlight.delete(key);
      pending.resolve({ id: requestIdOf(pending.request), result: fail('BAD_REQUEST', 'the request cannot be passed to the core') });
    }
  }

  private settle(key: number, answer: string): void {
    const pending = this.inFlight.get(key);
    if (!pending) return;
    this.inFlight.delete(key);
    pending.resolve(answer);
  }

  private failInFlight(): void {
    for (const pending of this.inFlight.values()) {
      pending.resolve({ id: requestIdOf(pending.request), result: fail('CORE_RESTARTED', 'the core restarted before answering; check whether the last action was saved') });
    }
    this.inFlight.clear();
  }

  private flushWaiting(): void {
    for (const pending of this.waiting.splice(0)) this.send(pending);
  }

  private scheduleRestart(reason: string): void {
    if (Date.now() - this.lastStart > 60_000) this.restartDelayMs = 200;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, 5_000);
    log.warn('core worker stopped; restarting', { reason, delayMs: delay });
    setTimeout(() => {
      this.start().then(
        () => {
          this.restartCount += 1;
          this.emit('restarted', reason);
        },
        (error: unknown) => this.emit('fatal', error instanceof CoreStartError ? error : new CoreStartError('restart_failed', 'the core could not be restarted')),
      );
    }, delay).unref();
  }

  private post(message: ToCore): void {
    this.worker?.postMessage(message);
  }
}

function flushBeforeStop(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', done);
      resolve();
    };
    const onMessage = (message: FromCore): void => {
      if (message.type === 'flushed') done();
    };
    const timer = setTimeout(done, 2_000);
    worker.on('message', onMessage);
    worker.once('exit', done);
    try {
      worker.postMessage({ type: 'flush' } satisfies ToCore);
    } catch {
      done();
    }
  });
}
