/**
 * Backups in the running desk: the manager's settings (kept beside the database in
 * `backup-settings.json`, so the recovery screen can find the backups when the database cannot be
 * opened), the daily schedule, "back up now", the restore drill and their records (in `meta`, and
 * in the audit log). The heavy work runs on the backup thread (./tasks.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_BACKUP_SETTINGS, backupSettingsSchema, type BackupRecord, type BackupSettings, type BackupStatus, type DrillRecord } from '../../../shared/api/backup-contract';
import type { CoreContext } from '../context';
import type { AuditLog } from '../audit/audit-log';
import type { MetaRepo } from '../db/meta-repo';
import { createLogger } from '../logger';
import { BackupError } from './archive';
import { hasRecoveryKey, heldBackupKeys } from './keyring';
import { backupFileName, listBackups, pruneBackups, type BackupResult, type DrillResult } from './operations';
import { RETRY_AFTER_FAILURE_MS, backupDue, drillDue } from './schedule';
import { runTask } from './tasks';

const log = createLogger('core/backup');
export const BACKUP_SETTINGS_FILE = 'backup-settings.json';
const LAST_BACKUP = 'backup.last';
const LAST_SUCCESS_AT = 'backup.last_success_at';
const LAST_DRILL = 'backup.last_drill';
const LAST_GOOD_DRILL_AT = 'backup.last_good_drill_at';
const PENDING = 'backup.recovery_key_pending';

export interface DeskLocation {
  dataDir: string;
  keyHex: string;
}

/** The settings file, read without the database (the recovery screen uses it too). */
export function readBackupSettings(dataDir: string): BackupSettings {
  try {
    const parsed = backupSettingsSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dataDir, BACKUP_SETTINGS_FILE), 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_BACKUP_SETTINGS;
  } catch {
    return DEFAULT_BACKUP_SETTINGS;
  }
}

export class BackupService {
  private running: Promise<unknown> | undefined;
  private lastFailedAttemptAt: number | undefined;

  constructor(
    private readonly ctx: CoreContext,
    private readonly meta: MetaRepo,
    private readonly audit: AuditLog,
    private readonly desk: DeskLocation | undefined,
    private readonly onChange: (ok: boolean) => void = () => undefined,
  ) {}

  settings(): BackupSettings {
    return this.desk ? readBackupSettings(this.desk.dataDir) : DEFAULT_BACKUP_SETTINGS;
  }

  /** Validates that the folder exists and can be written (the field error names the problem). */
  updateSettings(actorId: string, input: BackupSettings): void {
    const desk = this.requireDesk();
    const folder = input.folder === '' ? '' : path.resolve(input.folder);
    if (folder !== '') {
      if (!path.isAbsolute(input.folder)) throw new BackupFieldError('folder', 'folder_not_absolute');
      if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new BackupFieldError('folder', 'folder_missing');
      try {
        fs.accessSync(folder, fs.constants.W_OK);
      } catch {
        throw new BackupFieldError('folder', 'folder_not_writable');
      }
      if (path.resolve(folder) === path.resolve(desk.dataDir)) throw new BackupFieldError('folder', 'folder_is_data_folder');
    }
    const settings: BackupSettings = { folder, dailyAt: input.dailyAt, keep: input.keep };
    const file = path.join(desk.dataDir, BACKUP_SETTINGS_FILE);
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
    this.audit.append(actorId, 'backup.settings', null, { dailyAt: settings.dailyAt, keep: settings.keep, folderSet: settings.folder !== '' });
  }

  async status(): Promise<BackupStatus> {
    const settings = this.settings();
    const lastDrill = this.record<DrillRecord>(LAST_DRILL);
    const backups = (await listBackups(settings.folder)).map(({ name, createdAt, counts }) => ({ name, createdAt, counts }));
    return {
      settings,
      lastBackup: this.record<BackupRecord>(LAST_BACKUP),
      lastDrill,
      drillDue: drillDue(this.ctx.now(), this.lastSuccessfulDrillAt()),
      running: this.running !== undefined,
      hasRecoveryKey: hasRecoveryKey(this.ctx.db),
      recoveryKeyPending: Boolean(this.meta.get(PENDING)),
      backups,
    };
  }

  /** The home screen's reminder: no successful drill in 30 days. */
  reminderDue(): boolean {
    return drillDue(this.ctx.now(), this.lastSuccessfulDrillAt());
  }

  /** Called by the core every few seconds and once at start: runs the daily backup when it is due. */
  tick(): void {
    if (!this.desk || this.running) return;
    const settings = this.settings();
    if (settings.folder === '' || !hasRecoveryKey(this.ctx.db)) return;
    const now = this.ctx.now();
    if (this.lastFailedAttemptAt !== undefined && now - this.lastFailedAttemptAt < RETRY_AFTER_FAILURE_MS) return;
    const lastAt = Number(this.meta.get(LAST_SUCCESS_AT) ?? Number.NaN);
    if (!backupDue(now, settings.dailyAt, Number.isFinite(lastAt) ? lastAt : undefined)) return;
    void this.backUp(null);
  }

  /** Back up now (manual, or the schedule with `actorId` null). Resolves with the record kept. */
  backUp(actorId: string | null): Promise<BackupRecord> {
    // One at a time: a manual backup asked for during a scheduled one runs after it.
    const work = this.after(() => this.doBackUp(actorId));
    return this.track(work);
  }

  private async doBackUp(actorId: string | null): Promise<BackupRecord> {
    const desk = this.requireDesk();
    const settings = this.settings();
    const now = this.ctx.now();
    if (settings.folder === '') throw new BackupError('no_backup_folder', 'Choose a backup folder first.');
    const out = path.join(settings.folder, backupFileName(now));
    // The signed audit head names the last entry the backup will hold (it is written off the request path otherwise).
    this.audit.flushHead();
    const answer = await runTask({ task: 'backup', args: { dataDir: desk.dataDir, keyHex: desk.keyHex, out, appVersion: this.ctx.appVersion, now } });
    let record: BackupRecord;
    if (answer.ok) {
      const result = answer.value as BackupResult;
      const removed = await pruneBackups(settings.folder, settings.keep);
      record = { at: now, ok: true, name: path.basename(result.file), sha256: result.sha256, counts: result.counts, error: null, message: null };
      this.meta.set(LAST_SUCCESS_AT, String(now));
      this.lastFailedAttemptAt = undefined;
      this.audit.append(actorId, 'backup.created', record.name, { sha256: result.sha256, customers: result.counts.customers, intakes: result.counts.intakes, ops: result.counts.ops, removedOld: removed.length, scheduled: actorId === null });
      log.info('backup written', { bytes: result.bytes, removedOld: removed.length });
    } else {
      record = { at: now, ok: false, name: null, sha256: null, counts: null, error: answer.code, message: answer.message };
      this.lastFailedAttemptAt = now;
      this.audit.append(actorId, 'backup.failed', null, { code: answer.code, scheduled: actorId === null });
      log.error('backup failed', { code: answer.code });
    }
    this.meta.set(LAST_BACKUP, JSON.stringify(record));
    return record;
  }

  /** Restore the newest backup into a scratch folder, verify it, record the drill. */
  drill(actorId: string, recoveryKey: string | undefined): Promise<DrillRecord> {
    const work = this.after(() => this.doDrill(actorId, recoveryKey));
    return this.track(work);
  }

  private async doDrill(actorId: string, recoveryKey: string | undefined): Promise<DrillRecord> {
    const desk = this.requireDesk();
    const now = this.ctx.now();
    const [latest] = await listBackups(this.settings().folder);
    if (!latest) throw new BackupError('no_backup', 'There is no backup in the backup folder to drill with; back up first.');
    const source = recoveryKey ? { recoveryKey } : { heldKeys: heldBackupKeys(this.ctx.db) };
    const answer = await runTask({ task: 'drill', args: { file: latest.file, source, scratchRoot: desk.dataDir } });
    let record: DrillRecord;
    if (answer.ok) {
      const result = answer.value as DrillResult;
      const v = result.verification;
      const checks = [`integrity ${v.integrity}`, `audit chain ${v.audit.entries} entries intact`, 'op log matches tables', `counts match the backup`];
      if (recoveryKey) checks.push('printed recovery key opens the backup');
      record = { at: now, ok: true, name: latest.name, backupTakenAt: result.createdAt, counts: v.counts, auditEntries: v.audit.entries, checks, error: null, message: null };
      this.meta.set(LAST_GOOD_DRILL_AT, String(now));
    } else {
      record = { at: now, ok: false, name: latest.name, backupTakenAt: latest.createdAt, counts: null, auditEntries: null, checks: [], error: answer.code, message: answer.message };
    }
    this.meta.set(LAST_DRILL, JSON.stringify(record));
    this.audit.append(actorId, 'backup.drill', latest.name, { ok: record.ok, error: record.error, withRecoveryKey: Boolean(recoveryKey) });
    return record;
  }

  private track<T extends { ok: boolean }>(work: Promise<T>): Promise<T> {
    const tracked = work.then(
      (record) => {
        if (this.running === tracked) this.running = undefined;
        this.onChange(record.ok);
        return record;
      },
      (error: unknown) => {
        if (this.running === tracked) this.running = undefined;
        this.onChange(false);
        throw error;
      },
    );
    this.running = tracked;
    return tracked;
  }

  private after<T>(next: () => Promise<T>): Promise<T> {
    const prior = this.running ?? Promise.resolve();
    return prior.then(next, next);
  }

  private lastSuccessfulDrillAt(): number | undefined {
    const raw = this.meta.get(LAST_GOOD_DRILL_AT);
    return raw ? Number(raw) : undefined;
  }

  private record<T>(key: string): T | null {
    const raw = this.meta.get(key);
    return raw ? (JSON.parse(raw) as T) : null;
  }

  private requireDesk(): DeskLocation {
    if (!this.desk) throw new BackupError('failed', 'backups need a desk data folder');
    return this.desk;
  }
}

/** A settings field that cannot be accepted; the handler turns it into a VALIDATION failure. */
export class BackupFieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'BackupFieldError';
  }
}
