// Spatial-domain benchmark: the LAMMPS bench/in.eam workload (fcc Cu, Cu_u3.eam, 1600 K, dt 5 fs,
// skin 1 A, neighbor check every step after a 5-step delay) as one MD run over 1 and 2 workers (and
// 4 where the machine has them), next to the single in-process engine; medians of several runs in
// microseconds per atom-step, and the speed-up over one worker. The load average is printed with
// the table: the workers step in lockstep, so other processes on the cores slow them more than they
// slow one thread; the busiest worker thread's CPU time (bench/thread-cpu.ts) is printed beside it.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createDomainMd } from "../src/domain/index.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamEngine } from "../src/eam/engine.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { bulk } from "../src/structures/lattice.js";
import type { Atoms } from "../src/atoms.js";
import { timedDomainRun } from "./thread-cpu.js";

const POTENTIAL = "potentials/Cu_u3.eam";
const DT = 5;
const NEIGHBOR = { neighborEvery: 1, neighborDelay: 5 };

function workload(repeat: number): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, repeat);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 1600, 376847);
  return atoms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

/** Warm-up steps before the clock starts (V8 tiers wasm up after a few calls); every column does them. */
const WARM_UP = 5;

/** us/atom-step of the single in-process engine over `steps` steps after the warm-up. */
async function singleEngine(text: string, atoms: Atoms, steps: number): Promise<number> {
  const e = await EamEngine.create(parseEamPotential(text, { fileName: "Cu_u3.eam" }));
  e.setAtoms(atoms);
  e.compute();
  e.runVerlet(WARM_UP, DT, { every: 1, delay: 5 });
  const t0 = performance.now();
  e.runVerlet(steps, DT, { every: 1, delay: 5 });
  return ((performance.now() - t0) * 1000) / (steps * atoms.length);
}

/**
 * us/atom-step of one domain-decomposed run over `steps` steps after the warm-up (workers started
 * before the clock), and the CPU us/atom-step of its busiest worker thread (bench/thread-cpu.ts).
 */
async function domains(text: string, atoms: Atoms, steps: number, workers: number): Promise<{ us: number; cpu: number; migrations: number; imports: number }> {
  const md = await createDomainMd({ potential: { kind: "eam", text, fileName: "Cu_u3.eam" }, atoms, dt: DT, workers, ...NEIGHBOR });
  try {
    if (md.domains !== workers) throw new Error(`internal: asked for ${workers} domains, got ${md.domains}`);
    const { us, cpu } = await timedDomainRun(md, WARM_UP, steps, atoms.length, workers);
    const s = md.stats();
    return { us, cpu, migrations: s.migrations, imports: s.imports };
  } finally {
    await md.close();
  }
}

/** Prints the table of 1 vs 2 (vs 4) workers on 32,000 and 256,000 atoms. */
export async function benchDomain(opts: { quick: boolean; runs: number }): Promise<void> {
  const text = readFileSync(POTENTIAL, "utf8");
  const counts = [1, 2, ...(availableParallelism() >= 4 ? [4] : [])];
  const sizes = opts.quick ? [{ repeat: 20, steps: 50 }] : [{ repeat: 20, steps: 100 }, { repeat: 40, steps: 30 }];
  const runs = Math.max(3, opts.runs);
  const load0 = loadavg()[0];
  console.log(`\n## Spatial domains: one MD run over several workers (bench/in.eam workload, ${POTENTIAL}, neighbor every 1 delay 5)`);
  console.log(`us/atom-step, median of ${runs} runs (${WARM_UP} warm-up steps from the same start, then the clock runs over the steps only)`);
  console.log(`| atoms | steps | single engine | ${counts.map((w) => `${w} worker${w > 1 ? "s" : ""}`).join(" | ")} | ${counts.slice(1).map((w) => `speed-up ${w} vs 1`).join(" | ")} | busiest worker's CPU (${counts.join(" / ")}) | CPU-time speed-up ${counts.slice(1).join(", ")} vs 1 | atoms migrated | imported copies |`);
  console.log(`|---:|---:|---:|${counts.map(() => "---:").join("|")}|${counts.slice(1).map(() => "---:").join("|")}|---:|---:|---:|---:|`);
  for (const { repeat, steps } of sizes) {
    const atoms = workload(repeat);
    const single: number[] = [];
    for (let r = 0; r < runs; r++) single.push(await singleEngine(text, atoms, steps));
    const per = new Map<number, number>();
    let migrations = 0, imports = 0;
    // Interleave worker counts run by run, so a change in machine load hits all columns alike.
    const samples = new Map<number, number[]>(counts.map((w) => [w, []]));
    const cpuSamples = new Map<number, number[]>(counts.map((w) => [w, []]));
    for (let r = 0; r < runs; r++) {
      for (const w of counts) {
        const s = await domains(text, atoms, steps, w);
        samples.get(w)!.push(s.us);
        cpuSamples.get(w)!.push(s.cpu);
        if (w === 2) ({ migrations, imports } = s);
      }
    }
    for (const w of counts) per.set(w, median(samples.get(w)!));
    const one = per.get(1)!;
    const cells = counts.map((w) => per.get(w)!.toFixed(3));
    const ups = counts.slice(1).map((w) => `${(one / per.get(w)!).toFixed(2)}x`);
    const cpu = counts.map((w) => median(cpuSamples.get(w)!));
    const cpuUps = cpu.slice(1).map((c) => `${(cpu[0] / c).toFixed(2)}x`).join(", ");
    console.log(`| ${atoms.length} | ${steps} | ${median(single).toFixed(3)} | ${cells.join(" | ")} | ${ups.join(" | ")} | ${cpu.map((c) => c.toFixed(3)).join(" / ")} | ${cpuUps} | ${migrations} | ${imports} |`);
  }
  console.log(`load average (1 min) before: ${load0.toFixed(2)}, after: ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
}
