/** Percentiles and a printed table for benchmark figures. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface Row {
  name: string;
  samples: number[];
  baseline: string;
  baselineSamples: number[];
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const head = ['p50', 'p95', 'p99'].map((label) => label.padStart(11)).join('');
  console.log(`${'measure'.padEnd(44)}${head}   ${'baseline (same run)'.padEnd(44)}${head}`);
  const figures = (samples: number[]): string => [50, 95, 99].map((p) => ms(percentile(samples, p)).padStart(11)).join('');
  for (const row of rows) console.log(`${row.name.padEnd(44)}${figures(row.samples)}   ${row.baseline.padEnd(44)}${figures(row.baselineSamples)}`);
}

export async function sample(times: number, run: () => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}
