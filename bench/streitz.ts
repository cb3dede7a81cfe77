// Streitz-Mintmire benchmark: LAMMPS' examples/streitz runs (alpha-Al2O3, 2160 atoms, eam/alloy +
// coul/streitz, fix qeq/slater every step at tolerance 1e-6 / maxiter 100, NVE, dt 0.4 fs, 100 steps;
// Wolf 0.31 and Ewald 1e-6), run by LAMMPS and by us in one invocation. Both start from the same
// state: LAMMPS' own `velocity create` and charges, read back from a dump at step 0 (Ewald with
// LAMMPS' g_ewald and kmax from its log). Reports us/atom-step (median over runs, wall clock, with the
// CPU share of the process), the ratio to LAMMPS, QEq CG loops per step and the largest difference
// between our final charges and LAMMPS' at step 100. Inputs: bench/streitz (see its README.md).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Atoms } from "../src/atoms.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { readLammpsDataFile } from "../src/io/lammps-data-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import type { QeqXlSettings } from "../src/streitz/engine.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { parseLammpsLog } from "./lammps.js";
import { taperedEam } from "../test/helpers/tapered-eam.js";

const DIR = "bench/streitz";
const DT = 0.4; // fs (timestep 0.0004 ps)
const METAL_VELOCITY = 1e-3; // A/ps -> A/fs

interface Dump {
  q: Float64Array;
  x: Float64Array;
  v: Float64Array;
}

interface LammpsRun {
  usPerAtomStep: number;
  cpuShare: number;
  qeqShare: number;
  g?: number;
  kmax?: [number, number, number];
  start: Dump;
  end: Dump;
  version: string;
}

/** Parses a `dump custom ... id type q x y z vx vy vz` file (sorted by id): one Dump per snapshot. */
function parseDump(text: string): Dump[] {
  const out: Dump[] = [];
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    if (!lines[k].startsWith("ITEM: NUMBER OF ATOMS")) continue;
    const n = Number(lines[k + 1]);
    let h = k + 2;
    while (!lines[h].startsWith("ITEM: ATOMS")) h++;
    const d: Dump = { q: new Float64Array(n), x: new Float64Array(3 * n), v: new Float64Array(3 * n) };
    for (let i = 0; i < n; i++) {
      const w = lines[h + 1 + i].trim().split(/\s+/).map(Number);
      const a = w[0] - 1;
      d.q[a] = w[2];
      d.x.set([w[3], w[4], w[5]], 3 * a);
      d.v.set([w[6] * METAL_VELOCITY, w[7] * METAL_VELOCITY, w[8] * METAL_VELOCITY], 3 * a);
    }
    out.push(d);
  }
  return out;
}

/** The stock input with `run STEPS` and a dump of charges, positions and velocities at the first and last step. */
function lammpsInput(summation: "wolf" | "ewald", steps: number, tolerance = 1e-6): string {
  let stock = readFileSync(join(DIR, `in.streitz.${summation}`), "utf8");
  if (tolerance !== 1e-6) stock = stock.replace(/qeq\/slater 1 12\.0 1\.0e-6 100/, `qeq/slater 1 12.0 ${tolerance} 1000`);
  const dump = `dump\t\tqd all custom ${steps} dump.q id type q x y z vx vy vz\ndump_modify\tqd sort id format float %.17g\n`;
  return stock.replace(/^run\s+\d+\s*$/m, `${dump}run\t\t${steps}`);
}

function runLammps(lmp: string, summation: "wolf" | "ewald", steps: number, tolerance = 1e-6): LammpsRun {
  const dir = mkdtempSync(join(tmpdir(), "bench-streitz-"));
  try {
    copyFileSync(join(DIR, "data.streitz"), join(dir, "data.streitz"));
    for (const f of ["AlO.eam.alloy", "AlO.streitz"]) copyFileSync(join("potentials", f), join(dir, f));
    writeFileSync(join(dir, "in.bench"), lammpsInput(summation, steps, tolerance));
    const r = spawnSync(lmp, ["-in", "in.bench", "-log", "log.bench", "-screen", "none"], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: "1" }, encoding: "utf8" });
    const logText = (() => {
      try {
        return readFileSync(join(dir, "log.bench"), "utf8");
      } catch {
        return "";
      }
    })();
    if (r.status !== 0) throw new Error(`LAMMPS failed (${summation}):\n${logText.trim().split("\n").slice(-10).join("\n")}`);
    const log = parseLammpsLog(logText);
    const cpu = /^([\d.]+)% CPU use/m.exec(logText);
    const modify = /^Modify\s*\|[^|]*\|\s*(\S+)/m.exec(logText.slice(logText.lastIndexOf("Loop time")));
    const g = /G vector \(1\/distance\)\s*=\s*(\S+)/.exec(logText);
    const km = /kxmax kymax kzmax\s*=\s*(\d+)\s+(\d+)\s+(\d+)/.exec(logText);
    const dumps = parseDump(readFileSync(join(dir, "dump.q"), "utf8"));
    return {
      usPerAtomStep: (log.loopSeconds * 1e6) / (log.atoms * log.steps),
      cpuShare: cpu ? Number(cpu[1]) / 100 : NaN,
      qeqShare: modify ? Number(modify[1]) / log.loopSeconds : NaN,
      g: g ? Number(g[1]) : undefined,
      kmax: km ? [Number(km[1]), Number(km[2]), Number(km[3])] : undefined,
      start: dumps[0],
      end: dumps[dumps.length - 1],
      version: log.lammpsVersion,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How our QEq runs in MD: LAMMPS' own algorithm, the default (Gauss-Seidel, linear start),
 * extended-Lagrangian with the CG's charges, or with shadow-potential forces (two loops or one).
 */
type Solver = "lammps" | "default" | "xl" | "shadow" | "shadow1";
const SOLVER_LABEL: Record<Solver, string> = {
  lammps: "ect-eam, LAMMPS' QEq (Jacobi CG, 4-solution extrapolation)",
  default: "ect-eam (Gauss-Seidel CG, under-relaxed 0.5, linear start)",
  xl: "ect-eam --qeq-xl (extended Lagrangian K=5, 4 CG loops/step)",
  shadow: "ect-eam --qeq-xl-shadow (shadow forces, one list walk + 1 CG loop/step)",
  shadow1: "ect-eam, shadow forces with 1 loop (one list walk/step, engine.qeqXl = { shadow: true, loops: 1 })",
};
/** The engine's extended-Lagrangian settings of each solver (null: solved to the tolerance every step). */
const XL_SETTINGS: Record<Solver, QeqXlSettings | null> = {
  lammps: null,
  default: null,
  xl: { order: 5, loops: 4 },
  shadow: { order: 5, shadow: true },
  shadow1: { order: 5, shadow: true, loops: 1 },
};

interface OurRun {
  /** Total energy change over the run, eV/atom. */
  drift: number;
  usPerAtomStep: number;
  cpuShare: number;
  loopsPerStep: number;
  charges: Float64Array;
  positions: Float64Array;
  ewald: string;
}

/** Charges at `positions` solved to 1e-12 (the converged fix qeq/slater answer there). */
async function exactCharges(start: Atoms, positions: Float64Array): Promise<Float64Array> {
  const calc = await StreitzCalculator.create({
    eam: readEamPotentialFile("potentials/AlO.eam.alloy"),
    streitz: readStreitzFile("potentials/AlO.streitz"),
    summation: "wolf", // the LAMMPS-mode QEq does not depend on the summation
    qeqTolerance: 1e-12,
    qeqMaxIter: 1000,
  });
  const a = start.copy();
  a.positions = Float64Array.from(positions);
  return calc.calculate(a).charges;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Our run from the same start: positions, velocities (and Ewald settings) as LAMMPS had them. */
async function runOurs(
  summation: "wolf" | "ewald",
  steps: number,
  start: Atoms,
  ewald?: { g: number; kmax: [number, number, number] },
  tolerance = 1e-6,
  solver: Solver = "default",
  module?: WebAssembly.Module,
): Promise<OurRun> {
  const calc = await StreitzCalculator.create({
    eam: readEamPotentialFile("potentials/AlO.eam.alloy"),
    streitz: readStreitzFile("potentials/AlO.streitz"),
    summation,
    coulCutoff: 12,
    wolfAlpha: summation === "wolf" ? 0.31 : undefined,
    qeqTolerance: tolerance,
    qeqMaxIter: tolerance === 1e-6 ? 100 : 1000,
    ewaldAccuracy: 1e-6,
    ewaldG: ewald?.g,
    kmax: ewald?.kmax,
    engine: { skin: 1.0, module },
  });
  const first = calc.calculate(start);
  const eng = calc.engine;
  if (solver === "lammps") {
    eng.mdQeqPreconditioner = "jacobi";
    eng.mdQeqStart = "extrapolate";
  }
  eng.qeqXl = XL_SETTINGS[solver];
  eng.rebuild(); // LAMMPS builds its lists at setup as well; not part of the timed loop either way
  const e0 = eng.energy() + eng.kineticEnergy();
  const before = eng.qeqReport();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  eng.runVerlet(steps, DT, { every: 10, delay: 0 }); // neigh_modify every 10 delay 0 check yes
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const after = eng.qeqReport();
  return {
    drift: (eng.energy() + eng.kineticEnergy() - e0) / start.length,
    usPerAtomStep: (ms * 1000) / (steps * start.length),
    cpuShare: (cpu.user + cpu.system) / 1000 / ms,
    loopsPerStep: (after.loopSum - before.loopSum) / Math.max(1, after.solves - before.solves),
    charges: eng.charges(),
    positions: eng.positions(),
    ewald: first.ewald ? `g ${first.ewald.g.toPrecision(6)}, kmax ${first.ewald.kmax.join(" ")}, ${first.ewald.kcount} k-vectors` : "Wolf alpha 0.31",
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

/** The example's data file, with the masses LAMMPS takes from the eam/alloy file (Al 26.98, O 16.01). */
function exampleAtoms(): Atoms {
  const atoms = readLammpsDataFile(join(DIR, "data.streitz"), ["Al", "O"]);
  const eam = readEamPotentialFile("potentials/AlO.eam.alloy");
  atoms.masses = Float64Array.from(atoms.symbols, (s) => eam.masses[eam.elements.indexOf(s)]);
  return atoms;
}

/**
 * Runs the Streitz section: LAMMPS (when installed) and ours, Wolf and Ewald. `solvers` limits the rows
 * (and leaves out the tolerance check and the consistent-mode table); `compareWasm` (a kernel build,
 * e.g. the previous commit's dist/eam.simd.wasm) adds a row per solver run with it, alternating with
 * the current build run by run, so both see the same load.
 */
export async function benchStreitz(opts: { quick: boolean; runs: number; lmp: string | null; solvers?: string[]; compareWasm?: string }): Promise<void> {
  const solvers = (opts.solvers ?? ["lammps", "default", "xl", "shadow", "shadow1"]) as Solver[];
  for (const s of solvers) if (!(s in SOLVER_LABEL)) throw new Error(`unknown solver ${s} (${Object.keys(SOLVER_LABEL).join(", ")})`);
  const other = opts.compareWasm ? await WebAssembly.compile(readFileSync(opts.compareWasm)) : undefined;
  const steps = opts.quick ? 20 : 100;
  const lammpsRuns = opts.quick ? 1 : Math.max(3, opts.runs);
  const load0 = loadavg();
  console.log(`\n## Streitz-Mintmire: LAMMPS examples/streitz (alpha-Al2O3, 2160 atoms, QEq every step, tolerance 1e-6, maxiter 100, dt ${DT} fs, ${steps} steps)`);
  console.log(`# load average before: ${load0.map((v) => v.toFixed(2)).join(" ")} (2 cores shared: wall times include waiting; "cpu" is the process's share of the wall time)`);
  console.log(`| summation | engine | us/atom-step | cpu | ratio to LAMMPS | ratio of CPU times | QEq | notes |`);
  console.log(`|---|---|---:|---:|---:|---:|---|---|`);
  for (const summation of ["wolf", "ewald"] as const) {
    const atoms = exampleAtoms();
    const lammps: LammpsRun[] = [];
    if (opts.lmp) {
      for (let r = 0; r < lammpsRuns; r++) lammps.push(runLammps(opts.lmp, summation, steps));
    }
    let ewald: { g: number; kmax: [number, number, number] } | undefined;
    if (lammps.length > 0) {
      const s = lammps[0].start;
      atoms.positions = Float64Array.from(s.x);
      atoms.velocities = Float64Array.from(s.v);
      const l = lammps[0];
      if (summation === "ewald" && l.g !== undefined && l.kmax) ewald = { g: l.g, kmax: l.kmax };
    } else {
      atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 42128);
    }
    // Without LAMMPS, Ewald takes g and kmax from the accuracy and the equilibrated charges (StreitzCalculator).
    const lmpUs = lammps.length ? median(lammps.map((l) => l.usPerAtomStep)) : NaN;
    const lmpCpu = lammps.length ? median(lammps.map((l) => l.usPerAtomStep * l.cpuShare)) : NaN;
    for (const solver of solvers) {
      const builds: { label: string; module?: WebAssembly.Module }[] = [{ label: SOLVER_LABEL[solver] }];
      if (other) builds.push({ label: `${SOLVER_LABEL[solver]}, kernels ${opts.compareWasm}`, module: other });
      const runs: OurRun[][] = builds.map(() => []);
      for (const b of builds) await runOurs(summation, Math.min(5, steps), atoms, ewald, 1e-6, solver, b.module); // warm-up (wasm tier-up)
      for (let r = 0; r < opts.runs; r++) for (let k = 0; k < builds.length; k++) runs[k].push(await runOurs(summation, steps, atoms, ewald, 1e-6, solver, builds[k].module));
      for (let k = 0; k < builds.length; k++) {
        const ours = runs[k];
        const us = median(ours.map((o) => o.usPerAtomStep));
        const ourCpu = median(ours.map((o) => o.usPerAtomStep * o.cpuShare));
        // Final charges: ours and LAMMPS' against each other, and each against the converged charges
        // at its own final positions (what "within the solver tolerance" means at tolerance 1e-6).
        const own = maxDiff(ours[0].charges, await exactCharges(atoms, ours[0].positions));
        let dq = `ours vs converged ${own.toExponential(2)} e`;
        if (lammps.length) {
          const l = lammps[0].end;
          dq = `final charges vs LAMMPS ${maxDiff(ours[0].charges, l.q).toExponential(2)} e (${dq}, LAMMPS vs converged ${maxDiff(l.q, await exactCharges(atoms, l.x)).toExponential(2)} e)`;
        }
        console.log(
          `| ${summation} | ${builds[k].label} | ${us.toFixed(2)} | ${(100 * median(ours.map((o) => o.cpuShare))).toFixed(0)} % | ${Number.isFinite(lmpUs) ? (us / lmpUs).toFixed(3) : "-"} | ` +
            `${Number.isFinite(lmpCpu) ? (ourCpu / lmpCpu).toFixed(3) : "-"} | ` +
            `${median(ours.map((o) => o.loopsPerStep)).toFixed(1)} CG loops (s + t)/step | ${opts.runs} runs; ${ours[0].ewald}; ${dq}; total energy change ${ours[0].drift.toExponential(2)} eV/atom; CPU ${ourCpu.toFixed(2)} us/atom-step |`,
        );
      }
    }
    if (lammps.length) {
      const l = lammps[0];
      console.log(
        `| ${summation} | LAMMPS ${l.version} | ${lmpUs.toFixed(2)} | ${(100 * median(lammps.map((x) => x.cpuShare))).toFixed(0)} % | 1 | 1 | ` +
          `${(100 * median(lammps.map((x) => x.qeqShare))).toFixed(0)} % of time in fix qeq/slater | ${lammps.length} run(s), serial${l.g !== undefined ? `; g ${l.g}, kmax ${l.kmax?.join(" ")}` : ""} |`,
      );
    }
  }
  if (opts.solvers) {
    console.log(`# load average after: ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
    return;
  }
  if (opts.lmp) {
    // The same run with the QEq converged (tolerance 1e-10): what is left is the model, not the
    // solver. At 1e-6 each step's charges carry ~1e-5 e of solver error, which feeds the forces and
    // lets the two trajectories drift apart over 100 steps.
    const atoms = exampleAtoms();
    const l = runLammps(opts.lmp, "wolf", steps, 1e-10);
    atoms.positions = Float64Array.from(l.start.x);
    atoms.velocities = Float64Array.from(l.start.v);
    const o = await runOurs("wolf", steps, atoms, undefined, 1e-10);
    let dx = 0;
    for (let i = 0; i < atoms.length; i++) {
      // minimum image along the orthogonal box (LAMMPS wraps, we wrap at rebuilds)
      for (let d = 0; d < 3; d++) {
        const L = atoms.cell[4 * d];
        let u = o.positions[3 * i + d] - l.end.x[3 * i + d];
        u -= L * Math.round(u / L);
        dx = Math.max(dx, Math.abs(u));
      }
    }
    console.log(
      `# check, Wolf with the QEq at tolerance 1e-10 in both (${steps} steps): final charges differ by ${maxDiff(o.charges, l.end.q).toExponential(2)} e, ` +
        `positions by ${dx.toExponential(2)} A; ${o.usPerAtomStep.toFixed(2)} vs ${l.usPerAtomStep.toFixed(2)} us/atom-step (${o.loopsPerStep.toFixed(1)} CG loops/step)`,
    );
  }
  await benchConservation(opts.quick);
  console.log(`# load average after: ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
}

/**
 * Energy conservation and charge error of the extended-Lagrangian solvers against the exact solve, in
 * consistent mode (forces the gradient of the energy; EAM tapered to zero before its cutoff, whose
 * jumps otherwise dominate: test/helpers/tapered-eam.ts), Wolf, the same 2160 atoms at 300 K.
 */
async function benchConservation(quick: boolean): Promise<void> {
  const steps = quick ? 20 : 100, every = 5;
  const eam = taperedEam(readEamPotentialFile("potentials/AlO.eam.alloy"), 6.5);
  const streitz = readStreitzFile("potentials/AlO.streitz");
  const atoms = exampleAtoms();
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 42128);
  const make = (tolerance: number) =>
    StreitzCalculator.create({ eam, streitz, summation: "wolf", mode: "consistent", coulCutoff: 12, wolfAlpha: 0.31, qeqTolerance: tolerance, qeqMaxIter: 1000 });
  const converged = async (positions: Float64Array) => {
    const a = atoms.copy();
    a.positions = Float64Array.from(positions);
    return (await make(1e-12)).calculate(a).charges;
  };
  const mean = (xs: number[]) => xs.reduce((p, v) => p + v, 0) / xs.length;
  console.log(`\n## Streitz-Mintmire consistent mode (Wolf 0.31, EAM tapered from 6.5 A), 2160 atoms at 300 K, ${steps} steps of ${DT} fs: energy and charges against the exact solve`);
  console.log(`| solver | CPU us/atom-step | CG loops (s + t)/step | max abs(E - E0) (eV/atom) | drift (eV/atom) | final charges vs exact run (e) | vs converged at own positions (e) |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|`);
  let reference: Float64Array | null = null;
  for (const [label, solver, tolerance] of [["exact (tolerance 1e-10)", "default", 1e-10], ["default (tolerance 1e-6)", "default", 1e-6], ["--qeq-xl", "xl", 1e-6], ["--qeq-xl-shadow", "shadow", 1e-6], ["shadow, 1 loop", "shadow1", 1e-6]] as const) {
    const calc = await make(tolerance);
    calc.calculate(atoms);
    const eng = calc.engine;
    eng.qeqXl = XL_SETTINGS[solver];
    const n = atoms.length, e0 = eng.energy() + eng.kineticEnergy();
    const before = eng.qeqReport();
    const trace: number[] = [];
    let cpu = 0;
    for (let k = 0; k < steps; k += every) {
      const c0 = process.cpuUsage();
      eng.runVerlet(every, DT);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      trace.push((eng.energy() + eng.kineticEnergy() - e0) / n);
    }
    const after = eng.qeqReport();
    const q = eng.charges();
    reference ??= q;
    const quarter = trace.length >> 2;
    console.log(
      `| ${label} | ${(cpu / (steps * n)).toFixed(2)} | ${((after.loopSum - before.loopSum) / Math.max(1, after.solves - before.solves)).toFixed(1)} | ` +
        `${Math.max(...trace.map(Math.abs)).toExponential(2)} | ${(mean(trace.slice(3 * quarter)) - mean(trace.slice(quarter, 2 * quarter))).toExponential(2)} | ` +
        `${maxDiff(q, reference).toExponential(2)} | ${maxDiff(q, await converged(eng.positions())).toExponential(2)} |`,
    );
  }
  console.log(`# drift: mean of the last quarter of the energy samples (every ${every} steps) minus that of the second quarter`);
}
