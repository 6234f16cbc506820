/**
 * The browser host as a child process, the way `npm start` runs it, with
 * `--unhandled-rejections=strict`: any rejection nobody handles ends it, and the fuzzer sees that.
 * Reports whether it is still alive and how often its core worker was restarted.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';

export interface HostProcess {
  readonly origin: string;
  /** The one launch link the host printed. */
  readonly launchUrl: string;
  /** Every line the host printed on stdout. */
  readonly stdout: string[];
  alive(): boolean;
  /** How often the host logged that its core worker stopped and was restarted. */
  workerRestarts(): number;
  /** Lines of stderr logged at level error or above, for a report. */
  errors(): string[];
  stop(): Promise<void>;
}

export function startHostProcess(hostScript: string, dataDir: string): Promise<HostProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--unhandled-rejections=strict', hostScript], {
      env: { ...process.env, INTAKE_DESK_DATA_DIR: dataDir, INTAKE_DESK_NO_OPEN: '1', INTAKE_DESK_LOG_LEVEL: 'warn', INTAKE_DESK_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    const errors: string[] = [];
    let restarts = 0;
    let exited = false;
    let pendingOut = '';
    let pendingErr = '';
    child.on('exit', () => (exited = true));
    child.on('error', reject);
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (pendingErr + chunk.toString('utf8')).split('\n');
      pendingErr = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('core worker stopped; restarting')) restarts += 1;
        if (line.includes('"level":"error"') || !line.startsWith('{')) errors.push(line);
      }
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pendingOut + chunk.toString('utf8')).split('\n');
      pendingOut = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        const match = /^Intake Desk running at (http:\/\/127\.0\.0\.1:\d+)(\/launch\?token=\S+)$/.exec(line);
        const [, origin, launchPath] = match ?? [];
        if (!origin || !launchPath) continue;
        resolve({
          origin,
          launchUrl: origin + launchPath,
          stdout,
          alive: () => !exited,
          workerRestarts: () => restarts,
          errors: () => errors,
          stop: () =>
            new Promise<void>((done) => {
              if (exited) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      if (stdout.length === 0) reject(new Error(`the host exited before printing its link (code ${code}): ${errors.join(' | ')}`));
    });
  });
}

/** Exchange a launch link's one-time token for the session cookie, as a browser would. */
export function redeemLaunchUrl(launchUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(launchUrl, (response) => {
        response.resume();
        const cookie = response.headers['set-cookie']?.[0]?.split(';')[0];
        if (response.statusCode === 303 && cookie) resolve(cookie);
        else reject(new Error(`launch refused: ${response.statusCode}`));
      })
      .on('error', reject);
  });
}
