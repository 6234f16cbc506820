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
  console.log(`${'measure'.padEnd(44)}${'p50'.padStart(12)}${'p99'.padStart(12)}   ${'baseline (same run)'.padEnd(40)}${'p50'.padStart(12)}${'p99'.padStart(12)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(44)}${ms(percentile(row.samples, 50)).padStart(12)}${ms(percentile(row.samples, 99)).padStart(12)}   ${row.baseline.padEnd(40)}${ms(percentile(row.baselineSamples, 50)).padStart(12)}${ms(percentile(row.baselineSamples, 99)).padStart(12)}`,
    );
  }
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
