// Streitz-Mintmire over spatial domains (`node dist/bench.js --only domain-streitz`): LAMMPS'
// examples/streitz alpha-alumina (AlO.eam.alloy + AlO.streitz, Wolf 0.31 1/A, 12 A cutoff, QEq to
// 1e-6 every step, dt 0.4 fs, 300 K) replicated 2 x 2 x 4 (34,560 atoms: the alumina supercell
// nearest the issue's 32,768) as one MD run on 1 and 2 domain workers, interleaved run by run, with
// the charges solved every step and with extended-Lagrangian charges (--qeq-xl: 4 CG loops);
// medians of the runs in microseconds per atom-step after warm-up steps, the speed-up, the CG loops
// per step, and next to them the in-process StreitzEngine with the same charge scheme and its own
// MD preconditioner (Gauss-Seidel) for reference. The load average is printed with the table: the
// workers step in lockstep, so on a loaded machine the wall times wait for the cores; the busiest
// worker thread's CPU time (Linux /proc) is printed beside them as the load-independent estimate.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createDomainMd, type DomainStreitzPotential } from "../src/domain/index.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { parseLammpsData } from "../src/io/lammps-data.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { StreitzEngine } from "../src/streitz/engine.js";
import { parseStreitz } from "../src/streitz/params.js";
import { supercell } from "../src/structures/supercell.js";
import type { Atoms } from "../src/atoms.js";
import { timedDomainRun } from "./thread-cpu.js";

const DT = 0.4;
const WARM_UP = 3;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

function workload(repeat: [number, number, number]): Atoms {
  const base = parseLammpsData(readFileSync("bench/streitz/data.streitz", "utf8"), { species: ["Al", "O"] });
  const atoms = supercell(base, repeat);
  // masses from the eam/alloy file, as LAMMPS' pair_coeff (and `ect-eam md --streitz`) set them
  const eam = parseEamPotential(readFileSync("potentials/AlO.eam.alloy", "utf8"), { fileName: "AlO.eam.alloy" });
  atoms.masses = Float64Array.from(atoms.symbols, (s) => eam.masses[eam.elements.indexOf(s)]);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 4928459);
  return atoms;
}

/** Extended-Lagrangian settings of the XL rows (the engine's defaults). */
const XL = { order: 5, loops: 4 } as const;

const potential: DomainStreitzPotential = {
  kind: "streitz",
  eam: { text: readFileSync("potentials/AlO.eam.alloy", "utf8"), fileName: "AlO.eam.alloy" },
  streitz: { text: readFileSync("potentials/AlO.streitz", "utf8"), fileName: "AlO.streitz" },
};

/**
 * us/atom-step of `steps` steps on `workers` domain workers after the warm-up, CG loops (s + t) per
 * step, and the CPU us/atom-step of the busiest worker thread: on a loaded machine the wall time
 * waits for the cores, while a worker's CPU time is its own work (plus barrier spins), so the ratio
 * of the busiest workers' CPU times estimates the speed-up on idle cores.
 */
async function domains(atoms: Atoms, steps: number, workers: number, xl: boolean): Promise<{ us: number; cpu: number; loops: number; imports: number }> {
  const md = await createDomainMd({ potential: { ...potential, qeqXl: xl ? XL : null }, atoms, dt: DT, workers, neighborEvery: 10, neighborDelay: 0 });
  try {
    if (md.domains !== workers) throw new Error(`internal: asked for ${workers} domains, got ${md.domains}`);
    let loops0 = 0;
    const { us, cpu } = await timedDomainRun(md, WARM_UP, steps, atoms.length, workers, () => (loops0 = md.stats().qeq!.loopSum));
    const s = md.stats();
    return { us, cpu, loops: (s.qeq!.loopSum - loops0) / steps, imports: s.imports };
  } finally {
    await md.close();
  }
}

/** us/atom-step of the in-process engine with its MD defaults (Gauss-Seidel CG, linear start), XL or not. */
async function singleEngine(atoms: Atoms, steps: number, xl: boolean): Promise<{ us: number; loops: number }> {
  const e = await StreitzEngine.create(parseEamPotential(potential.eam.text, { fileName: "AlO.eam.alloy" }), parseStreitz(potential.streitz.text, "AlO.streitz"), {
    summation: "wolf", mode: "lammps", coulCutoff: 12, wolfAlpha: 0.31, qeqCutoff: 12, qeqAlpha: 0.2, qeqTolerance: 1e-6, qeqMaxIter: 100,
  });
  e.setAtoms(atoms);
  e.qeqXl = xl ? { ...XL } : null;
  e.runVerlet(WARM_UP, DT, { every: 10 });
  const l0 = e.qeqReport().loopSum;
  const t0 = performance.now();
  e.runVerlet(steps, DT, { every: 10 });
  const us = ((performance.now() - t0) * 1000) / (steps * atoms.length);
  const loops = (e.qeqReport().loopSum - l0) / steps;
  e.dispose();
  return { us, loops };
}

/** Prints the table of 1 vs 2 workers for Streitz-Mintmire (Wolf). */
export async function benchDomainStreitz(opts: { quick: boolean; runs: number }): Promise<void> {
  const repeat: [number, number, number] = opts.quick ? [1, 1, 1] : [2, 2, 4];
  const steps = opts.quick ? 3 : 6;
  const runs = Math.max(3, opts.runs);
  const atoms = workload(repeat);
  const load0 = loadavg()[0];
  console.log(`\n## Spatial domains: Streitz-Mintmire (examples/streitz alumina x ${repeat.join("x")}, Wolf 0.31, 12 A, QEq 1e-6 every step, dt ${DT} fs, neighbor every 10)`);
  console.log(`us/atom-step, median of ${runs} runs interleaved (${WARM_UP} warm-up steps, then ${steps} timed); domains: Jacobi CG with global dot products`);
  console.log(`| atoms | charges | single engine (Gauss-Seidel CG) | 1 worker | 2 workers | speed-up 2 vs 1 | busiest worker's CPU: 1 / 2 workers | CPU-time speed-up | CG loops/step (engine; workers) | imported copies (2 workers) |`);
  console.log(`|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
  const notes: string[] = [];
  for (const xl of [false, true]) {
    const one: number[] = [], two: number[] = [], cpu1: number[] = [], cpu2: number[] = [];
    let loops = 0, imports = 0;
    for (let r = 0; r < runs; r++) {
      const a = await domains(atoms, steps, 1, xl);
      const b = await domains(atoms, steps, 2, xl);
      one.push(a.us);
      two.push(b.us);
      cpu1.push(a.cpu);
      cpu2.push(b.cpu);
      loops = b.loops;
      imports = b.imports;
    }
    const single = await singleEngine(atoms, steps, xl);
    const m1 = median(one), m2 = median(two), c1 = median(cpu1), c2 = median(cpu2);
    const what = xl ? `XL (K ${XL.order}, ${XL.loops} loops)` : "solved every step";
    console.log(`| ${atoms.length} | ${what} | ${single.us.toFixed(2)} | ${m1.toFixed(2)} | ${m2.toFixed(2)} | ${(m1 / m2).toFixed(2)}x | ${c1.toFixed(2)} / ${c2.toFixed(2)} | ${(c1 / c2).toFixed(2)}x | ${single.loops.toFixed(1)}; ${loops.toFixed(1)} | ${imports} |`);
    notes.push(`runs (us/atom-step wall; busiest worker CPU), ${what}: 1 worker ${one.map((v, k) => `${v.toFixed(2)}; ${cpu1[k].toFixed(2)}`).join(", ")}; 2 workers ${two.map((v, k) => `${v.toFixed(2)}; ${cpu2[k].toFixed(2)}`).join(", ")}`);
  }
  for (const n of notes) console.log(n);
  console.log(`load average (1 min) before: ${load0.toFixed(2)}, after: ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`);
  console.log(`command: node dist/bench.js --only domain-streitz --runs ${opts.runs}${opts.quick ? " --quick" : ""}`);
}
