/** The core's services wired to one database: built once per worker, passed to every handler. */
import type { EventName, EventPayload } from '../../shared/api/events';
import { AttachmentStore } from './attachments/attachment-store';
import { ScanUploads } from './attachments/uploads';
import { AuditLog, type AuditHeadFile } from './audit/audit-log';
import { RefusalLog } from './audit/refusals';
import { BackupService, type DeskLocation } from './backup/backup-service';
import { SessionStore } from './auth/sessions';
import type { CoreContext } from './context';
import type { DeskKeys } from './crypto/desk-keys';
import { MetaRepo } from './db/meta-repo';
import { onlineRound } from './online/online-service';
import { OpLog } from './oplog/oplog';
import { OP_KINDS } from './op-kinds';
import { CustomerRepo } from './customers/customer-repo';
import { DraftRepo } from './intake/draft-repo';
import type { LongReads } from './long-reads';
import { ConfigRepo } from './settings/config-repo';
import { StaffRepo } from './staff/staff-repo';
import { SyncService } from './sync/sync-service';
import { ScanFolder } from './paper/scan-folder';

export type Emit = <E extends EventName>(clientId: string | null, event: E, payload: EventPayload<E>) => void;

export interface Services {
  readonly ctx: CoreContext;
  readonly meta: MetaRepo;
  readonly ops: OpLog;
  readonly audit: AuditLog;
  /** Refused calls (forbidden methods, sign-ins to unknown accounts): first one in full, then counted per client. */
  readonly refusals: RefusalLog;
  /** Keys derived from the desk key, which never lives in the database. */
  readonly keys: DeskKeys;
  readonly staff: StaffRepo;
  readonly config: ConfigRepo;
  readonly sessions: SessionStore;
  readonly customers: CustomerRepo;
  readonly drafts: DraftRepo;
  readonly backups: BackupService;
  /** Scans of paper forms, encrypted under the desk key (docs/decisions/0012-attachment-store.md). */
  readonly attachments: AttachmentStore;
  /** Scans arriving in pieces (an RPC request is at most 1 MB), held in memory until finished. */
  readonly uploads: ScanUploads;
  readonly emit: Emit;
  /** Sync with the central server (issue 10); its loop runs only where the worker starts it. */
  readonly sync: SyncService;
  /** The scanner's watched folder (issue 13): imports new files into the encrypted store. */
  readonly scanFolder: ScanFolder;
  /** Long reads in a worker of their own (null: read in the core, for tools and in-process tests). */
  readonly longReads: LongReads | null;
  /** Run `work` in one IMMEDIATE transaction: its ops, projections and audit entries commit together. */
  transact<T>(work: () => T): T;
  /**
   * The same, committed without waiting for the disk (synchronous=NORMAL for this one commit). Only
   * for a record whose loss loses nothing anyone typed or was told was saved (an empty new draft):
   * in WAL mode such a commit survives a crash of the process, and is on disk with the next
   * synchronous commit (which flushes the whole log); only a power cut before then can lose it
   * (docs/decisions/0025-audit-head-off-the-request-path.md).
   */
  transactUnsynced<T>(work: () => T): T;
}

export function createServices(ctx: CoreContext, emit: Emit, secrets: { keys: DeskKeys; auditHead: AuditHeadFile | null; desk?: DeskLocation; dataDir: string }, longReads: LongReads | null = null): Services {
  const { db } = ctx;
  const audit = new AuditLog(db, ctx, { key: secrets.keys.auditChain, head: secrets.auditHead });
  const meta = new MetaRepo(db);
  const services: Omit<Services, 'sync' | 'scanFolder'> & { sync?: SyncService; scanFolder?: ScanFolder } = {
    ctx,
    meta,
    ops: new OpLog(db, ctx, OP_KINDS),
    audit,
    refusals: new RefusalLog(audit, ctx.now),
    keys: secrets.keys,
    staff: new StaffRepo(db),
    config: new ConfigRepo(db),
    sessions: new SessionStore(),
    customers: new CustomerRepo(db),
    drafts: new DraftRepo(db),
    backups: new BackupService(ctx, meta, audit, secrets.desk, (ok) => emit(null, 'backup.changed', { ok })),
    attachments: new AttachmentStore(secrets.dataDir, secrets.keys.attachments),
    uploads: new ScanUploads(ctx.now),
    emit,
    longReads,
    transact: (work) => {
      const result = db.transaction(work).immediate();
      // The commit is done: the signed audit head may now follow any entries it added.
      audit.syncHead();
      // New ops wait in the outbox: let sync know (it debounces, and does nothing when not started).
      services.sync?.kick();
      return result;
    },
    transactUnsynced: (work) => {
      // Inside another transaction the outer commit decides (and is synchronous).
      if (db.inTransaction) return services.transact(work);
      db.pragma('synchronous = NORMAL');
      try {
        return services.transact(work);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
  };
  services.sync = new SyncService(services as Services);
  services.scanFolder = new ScanFolder(services as Services, secrets.dataDir);
  services.sync.addRound('online', (client) => onlineRound(services as Services, client));
  return services as Services;
}
