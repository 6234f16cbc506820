/** A small real disk that really fills up (a tmpfs of the test's own; the tests run as root, see .ci/run). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let mountable: boolean | undefined;

/**
 * Whether this machine lets the tests mount a tmpfs (root with CAP_SYS_ADMIN: CI's container and
 * this project's development machine do). Where it does not, the tests that need a really full disk
 * are reported as skipped with this reason, rather than faked.
 */
export function canMountSmallDisk(): boolean {
  if (mountable === undefined) {
    try {
      unmountSmallDisk(mountSmallDisk(1));
      mountable = true;
    } catch {
      mountable = false;
      console.warn('full-disk tests skipped: this machine does not allow mounting a tmpfs (needs root with CAP_SYS_ADMIN)');
    }
  }
  return mountable;
}

export function mountSmallDisk(sizeMb = 64): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir]);
  return dir;
}

export function unmountSmallDisk(dir: string): void {
  execFileSync('umount', [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Write a file until the disk answers ENOSPC; returns its path (delete it to free the space). */
export function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1 << 9, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
