import { mkdir, writeFile } from 'node:fs/promises';

/**
 * Writes one benchmark's figures to bench/results/<name>.json (gitignored), stamped with when they
 * were taken: docs/performance.md quotes them, and two runs diff.
 */
export async function writeBenchResult(name: string, figures: object): Promise<void> {
  await mkdir('bench/results', { recursive: true });
  const stamped = Array.isArray(figures) ? { rows: figures } : figures;
  await writeFile(
    `bench/results/${name}.json`,
    `${JSON.stringify({ at: new Date().toISOString(), ...stamped }, null, 2)}\n`,
  );
}
