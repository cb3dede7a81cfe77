// Worker-pool benchmark: a batch of 1,000 small structures (rattled 108-atom Cu cells) evaluated by
// 1 and 2 workers (and more where the machine has them), with the speed-up over one worker.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { createWorkerPool } from "../src/workers/index.js";
import type { Atoms } from "../src/atoms.js";

function frames(count: number): Atoms[] {
  const rng = new Random(7);
  return Array.from({ length: count }, () => {
    const a = bulk("Cu", "fcc", 3.615, 3);
    for (let k = 0; k < a.positions.length; k++) a.positions[k] += 0.05 * rng.normal();
    return a;
  });
}

/** Prints a table of batch throughput for 1..N workers. */
export async function benchWorkers(opts: { quick: boolean; runs: number }): Promise<void> {
  const batch = frames(opts.quick ? 200 : 1000);
  const spec = { kind: "eam" as const, text: readFileSync("potentials/Cu_u3.eam", "utf8"), fileName: "Cu_u3.eam" };
  const counts = [1, 2, ...(availableParallelism() >= 4 ? [4] : [])];
  console.log(`\n## Worker pool: batch of ${batch.length} structures (rattled fcc Cu, 108 atoms each, Cu_u3.eam)`);
  console.log(`| workers | median s | structures/s | speed-up vs 1 worker |`);
  console.log(`|---:|---:|---:|---:|`);
  let one = NaN;
  for (const workers of counts) {
    const pool = await createWorkerPool({ workers });
    try {
      await pool.evaluate(spec, batch.slice(0, 8 * workers)); // warm up: calculators and V8 tiers
      const times: number[] = [];
      for (let r = 0; r < Math.max(3, opts.runs); r++) {
        const t0 = performance.now();
        await pool.evaluate(spec, batch);
        times.push((performance.now() - t0) / 1000);
      }
      times.sort((a, b) => a - b);
      const median = times[times.length >> 1];
      if (workers === 1) one = median;
      console.log(`| ${workers} | ${median.toFixed(3)} | ${(batch.length / median).toFixed(0)} | ${(one / median).toFixed(2)} |`);
    } finally {
      await pool.close();
    }
  }
}
