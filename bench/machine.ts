/**
 * Facts about the machine that explain a benchmark's tail latencies, read from Linux's /sys and
 * /proc (nothing elsewhere). This sandbox is a VM whose kernel runs DAMON with a `pageout` scheme:
 * file pages nobody touched for a few seconds are dropped from the page cache, so a page of a 26 GB
 * database read a minute ago may have to come from the disk again. A counter's PC normally keeps
 * such pages until memory runs short; the figures here carry those reads in their tails.
 */
import fs from 'node:fs';

const read = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

/** How the kernel reclaims memory on its own, in a few words for the "Machine:" line. */
export function memoryReclaim(): string {
  const kdamonds = '/sys/kernel/mm/damon/admin/kdamonds';
  const actions: string[] = [];
  for (const name of safeList(kdamonds)) {
    if (read(`${kdamonds}/${name}/state`) !== 'on') continue;
    for (const context of safeList(`${kdamonds}/${name}/contexts`)) {
      for (const scheme of safeList(`${kdamonds}/${name}/contexts/${context}/schemes`)) {
        const action = read(`${kdamonds}/${name}/contexts/${context}/schemes/${scheme}/action`);
        if (action) actions.push(action);
      }
    }
  }
  return actions.length > 0 ? `DAMON proactive reclaim on (${[...new Set(actions)].join(', ')}): cold page cache is dropped within seconds` : 'no proactive reclaim seen';
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** File pages read back in after the kernel had dropped them (since boot); null where unknown. */
export function fileRefaults(): number | null {
  const line = read('/proc/vmstat')
    ?.split('\n')
    .find((entry) => entry.startsWith('workingset_refault_file '));
  return line ? Number(line.split(' ')[1]) : null;
}
