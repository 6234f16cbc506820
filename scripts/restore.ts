/**
 * `npm run restore -- --from FILE --data-dir NEWDIR --recovery-key KEY [--confirm-loss]`: restores a
 * backup with the organisation's printed recovery key. A folder holding another organisation's desk
 * is refused; one holding data the backup lacks is refused (naming what would be lost) unless
 * `--confirm-loss`; the database replaced is kept aside. Stop the desk before restoring into its
 * folder. The last line is `restored: customers N intakes M ops K attachments A, audit verified`.
 */
import { BackupError } from '../electron/core/backup/archive';
import { restoreBackup } from '../electron/core/backup/operations';
import { argument } from './cli-args';

async function main(): Promise<void> {
  const from = argument(process.argv, 'from');
  const dataDir = argument(process.argv, 'data-dir');
  const recoveryKey = argument(process.argv, 'recovery-key') ?? process.env['INTAKE_DESK_RECOVERY_KEY'];
  if (!from) throw new Error('--from needs the backup file');
  if (!dataDir) throw new Error('--data-dir needs the folder to restore into');
  if (!recoveryKey) throw new Error('--recovery-key needs the organisation recovery key (as printed)');
  const result = await restoreBackup({ from, dataDir, recoveryKey, confirmLoss: process.argv.includes('--confirm-loss'), now: Date.now() });
  if (result.replacedFile) process.stdout.write(`the database it replaced is kept at ${result.replacedFile}\n`);
  process.stdout.write(`backup taken ${new Date(result.header.createdAt).toISOString()} on ${result.header.deskName ?? result.header.deviceId}\n`);
  const { counts } = result;
  process.stdout.write(`restored: customers ${counts.customers} intakes ${counts.intakes} ops ${counts.ops} attachments ${counts.attachments}, audit verified\n`);
}

main().catch((error: unknown) => {
  const code = error instanceof BackupError ? ` (${error.code})` : '';
  process.stderr.write(`restore refused${code}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
