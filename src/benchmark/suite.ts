// The portable benchmark suite: the same workloads, the same report, in Node (node dist/bench.js
// --json) and in a browser (the demo page's Benchmark panel, run in its Web Worker). Browser-safe:
// no node: imports; the caller supplies the potential and model texts.
//
// Entries:
//   eam-4000, eam-32000  the LAMMPS bench/in.eam workload: fcc Cu a = 3.615 A, Cu_u3.eam, 1600 K,
//                        dt 5 fs, skin 1 A, neighbor every 1 delay 5 (check yes); atom-steps/s
//   ect-nacl-512         ECT-EAM MD of rocksalt NaCl (512 atoms, starter model with DSF long range,
//                        cutoff 9 A, alpha 0.25, dt 1 fs, 300 K) after one cold start; atom-steps/s
//   ect-fitted-nacl-xl   the same crystal with the shipped model (models/ect-fitted.json: bond
//                        transfer, induction, DSF 11 A) and extended-Lagrangian bond solves (what
//                        `ect-eam md` runs), 64 atoms (quick) or 216; when the caller passes its text
//   batch-cu108          a batch of rattled 108-atom Cu cells evaluated one after another by one
//                        EamCalculator in-process; structures/s
// Each entry is timed `runs` times; the report gives the median, min and max of the rates.
import pkg from "../../package.json" with { type: "json" };
import { EamCalculator } from "../eam/calculator.js";
import { EamEngine } from "../eam/engine.js";
import { loadKernelModule, type KernelVariant } from "../engine/wasm.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import { parseEctModelText } from "../ect/model.js";
import { buildEctTables } from "../ect/tables.js";
import { EctEngine } from "../ect/engine.js";
import { BOND_XL_DEFAULTS } from "../ect/transfer/bond-transfer.js";
import { bulk, rocksalt } from "../structures/lattice.js";
import { maxwellBoltzmann } from "../dynamics/velocities.js";
import { Random } from "../dynamics/random.js";
import type { Atoms } from "../atoms.js";

export const SUITE_ID = "ect-eam-portable-1";

export interface RuntimeInfo {
  kind: "node" | "browser";
  /** Node: process.version; browser: navigator.userAgent. */
  version: string;
  platform: string;
  cores: number;
}

export interface BenchmarkEntry {
  id: string;
  /** What was run, in words. */
  name: string;
  atoms: number;
  /** MD steps timed per run (0 for the batch entry). */
  steps: number;
  /** Structures evaluated per run (batch entry only, else 0). */
  structures: number;
  runs: number;
  unit: "atom-steps/s" | "structures/s";
  median: number;
  min: number;
  max: number;
  /** Microseconds per atom-step (MD entries) or milliseconds per structure (batch), at the median. */
  cost: number;
  costUnit: "us/atom-step" | "ms/structure";
  notes: string;
}

export interface BenchmarkReport {
  suite: typeof SUITE_ID;
  version: string;
  date: string;
  quick: boolean;
  runtime: RuntimeInfo;
  /** True when the SIMD kernels ran (false: the scalar build). */
  simd: boolean;
  workers: 1;
  /** Wall time of the whole suite, s. */
  seconds: number;
  entries: BenchmarkEntry[];
}

export interface BenchmarkOptions {
  /** Text of potentials/Cu_u3.eam. */
  potentialText: string;
  /** Text of models/ect-starter.json. */
  modelText: string;
  /** Text of models/ect-fitted.json (the shipped model); without it the suite leaves its entry out. */
  fittedModelText?: string;
  /** 4,000-atom EAM only, fewer steps and runs (a few seconds rather than half a minute). */
  quick?: boolean;
  /** SIMD kernels (default true; falls back to scalar where SIMD wasm does not compile). */
  simd?: boolean;
  /** Progress messages ("eam-4000: run 2 of 5"). */
  onProgress?(message: string): void;
  /** Overrides of the detected runtime (Node callers can pass os.availableParallelism()). */
  runtime?: Partial<RuntimeInfo>;
}

const A_CU = 3.615;
const A_NACL = 5.64;

/** The runtime the suite runs in, without node: imports. */
export function detectRuntime(): RuntimeInfo {
  const g = globalThis as unknown as {
    process?: { versions?: { node?: string }; version?: string; platform?: string; arch?: string };
    navigator?: { userAgent?: string; platform?: string; hardwareConcurrency?: number; userAgentData?: { platform?: string } };
  };
  const nav = g.navigator;
  const cores = nav?.hardwareConcurrency ?? 1;
  if (g.process?.versions?.node) {
    return { kind: "node", version: g.process.version ?? `v${g.process.versions.node}`, platform: `${g.process.platform}-${g.process.arch}`, cores };
  }
  return { kind: "browser", version: nav?.userAgent ?? "unknown", platform: nav?.userAgentData?.platform || nav?.platform || "unknown", cores };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
function median(xs: number[]): number {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/**
 * ECT-EAM MD timing shared by the ECT entries: a cold start (timed apart), `warmSteps` untimed steps,
 * then `runs` blocks of `steps` steps continuing one trajectory. Rates in atom-steps/s.
 */
async function timeEctMd(
  engine: EctEngine,
  atoms: Atoms,
  o: { id: string; steps: number; runs: number; warmSteps: number; prepare?: () => void; progress: (m: string) => void },
): Promise<{ rates: number[]; coldSeconds: number; perStep: number }> {
  o.progress(`${o.id}: cold start`);
  await breathe();
  engine.setAtoms(atoms);
  const c0 = performance.now();
  engine.compute();
  const coldSeconds = (performance.now() - c0) / 1000;
  o.prepare?.();
  engine.runVerlet(o.warmSteps, 1.0);
  const rates: number[] = [];
  let iterations = 0;
  for (let r = 0; r < o.runs; r++) {
    o.progress(`${o.id}: run ${r + 1} of ${o.runs}`);
    await breathe();
    const t0 = performance.now();
    iterations += engine.runVerlet(o.steps, 1.0).iterations;
    rates.push((atoms.length * o.steps) / ((performance.now() - t0) / 1000));
  }
  return { rates, coldSeconds, perStep: iterations / (o.runs * o.steps) };
}

/** Lets the event loop run between timed runs (worker messages, progress output). */
const breathe = () => new Promise<void>((ok) => setTimeout(ok, 0));

function entry(base: Omit<BenchmarkEntry, "median" | "min" | "max" | "cost" | "costUnit" | "runs">, rates: number[]): BenchmarkEntry {
  const s = sorted(rates);
  const med = median(rates);
  const md = base.unit === "atom-steps/s";
  return {
    ...base,
    runs: rates.length,
    median: med,
    min: s[0],
    max: s[s.length - 1],
    cost: md ? 1e6 / med : 1e3 / med,
    costUnit: md ? "us/atom-step" : "ms/structure",
  };
}

/** Rattled 108-atom fcc Cu cells (0.05 A Gaussian displacements), as bench/workers.ts. */
function rattledCells(count: number): Atoms[] {
  const rng = new Random(7);
  return Array.from({ length: count }, () => {
    const a = bulk("Cu", "fcc", A_CU, 3);
    for (let k = 0; k < a.positions.length; k++) a.positions[k] += 0.05 * rng.normal();
    return a;
  });
}

/** Runs the standard suite and returns its report. */
export async function runBenchmarkSuite(opts: BenchmarkOptions): Promise<BenchmarkReport> {
  const quick = opts.quick === true;
  const progress = opts.onProgress ?? (() => undefined);
  const started = performance.now();
  const date = new Date().toISOString();
  const runs = quick ? 3 : 5;

  let variant: KernelVariant = opts.simd === false ? "scalar" : "simd";
  let module: WebAssembly.Module;
  try {
    module = await loadKernelModule(variant);
  } catch (err) {
    if (variant === "scalar") throw err;
    variant = "scalar";
    module = await loadKernelModule(variant);
  }
  const potential = parseEamPotential(opts.potentialText, { fileName: "Cu_u3.eam" });
  const entries: BenchmarkEntry[] = [];

  // --- LAMMPS bench/in.eam ----------------------------------------------------------------------
  for (const repeat of quick ? [10] : [10, 20]) {
    const atoms = bulk("Cu", "fcc", A_CU, repeat);
    const n = atoms.length;
    const id = `eam-${n}`;
    const steps = quick ? 50 : 100;
    atoms.velocities = maxwellBoltzmann(atoms.masses, 1600, 376847);
    const engine = await EamEngine.create(potential, { variant, module, skin: 1.0 });
    const neigh = { every: 1, delay: 5 };
    progress(`${id}: warm-up`);
    engine.setAtoms(atoms);
    engine.runVerlet(5, 5, neigh); // V8 tiers the wasm up over the first calls
    const rates: number[] = [];
    let builds = 0;
    for (let r = 0; r < runs; r++) {
      progress(`${id}: run ${r + 1} of ${runs}`);
      await breathe();
      engine.setAtoms(atoms); // every run from the same start
      engine.compute();
      const b0 = engine.neighborStats().builds;
      const t0 = performance.now();
      engine.runVerlet(steps, 5, neigh);
      const s = (performance.now() - t0) / 1000;
      builds = engine.neighborStats().builds - b0;
      rates.push((n * steps) / s);
    }
    entries.push(
      entry(
        {
          id,
          name: `EAM Cu_u3 fcc, LAMMPS bench/in.eam (1600 K, dt 5 fs, skin 1 A, neigh every 1 delay 5)`,
          atoms: n,
          steps,
          structures: 0,
          unit: "atom-steps/s",
          notes: `${builds} neighbor builds per run`,
        },
        rates,
      ),
    );
  }

  // --- ECT-EAM NaCl ----------------------------------------------------------------------------
  {
    const id = "ect-nacl-512";
    const base = parseEctModelText(opts.modelText, "ect-starter.json");
    const model = { ...base, electrostatics: { ...base.electrostatics, longRange: "dsf" as const, cutoff: 9, dsfAlpha: 0.25 } };
    const engine = await EctEngine.create(buildEctTables(model), { variant, module, source: "ect-starter (dsf)" });
    engine.solver.annealFrom = model.electronicTemperature; // the ionic start finds rocksalt's ground state
    const atoms = rocksalt("Na", "Cl", A_NACL, 4);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
    const n = atoms.length;
    // The runs continue one trajectory: each times `steps` more warm-started MD steps (one warm-up step first).
    const steps = quick ? 5 : 20;
    const { rates, coldSeconds, perStep } = await timeEctMd(engine, atoms, { id, steps, runs, warmSteps: 1, progress });
    entries.push(
      entry(
        {
          id,
          name: "ECT-EAM rocksalt NaCl, starter model, DSF long range (cutoff 9 A, alpha 0.25), 300 K, dt 1 fs",
          atoms: n,
          steps,
          structures: 0,
          unit: "atom-steps/s",
          notes: `cold start ${coldSeconds.toFixed(2)} s (not timed); ${perStep.toFixed(1)} solver iterations per step`,
        },
        rates,
      ),
    );
  }

  // --- ECT-EAM NaCl with the shipped model -------------------------------------------------------
  if (opts.fittedModelText !== undefined) {
    const id = "ect-fitted-nacl-xl";
    const engine = await EctEngine.create(buildEctTables(parseEctModelText(opts.fittedModelText, "ect-fitted.json")), { variant, module, source: "ect-fitted" });
    const atoms = rocksalt("Na", "Cl", A_NACL, quick ? 2 : 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
    const n = atoms.length;
    const steps = quick ? 3 : 5;
    // The first order + 1 extended-Lagrangian solves fill its history and run to the tolerance.
    const { rates, coldSeconds, perStep } = await timeEctMd(engine, atoms, {
      id, steps, runs, warmSteps: BOND_XL_DEFAULTS.order + 2, progress, prepare: () => (engine.bondSolver.xl = { ...BOND_XL_DEFAULTS }),
    });
    entries.push(
      entry(
        {
          id,
          name: "ECT-EAM rocksalt NaCl, shipped model (bond transfer, induction, DSF 11 A), extended-Lagrangian bond solves, 300 K, dt 1 fs",
          atoms: n,
          steps,
          structures: 0,
          unit: "atom-steps/s",
          notes: `cold start ${coldSeconds.toFixed(2)} s and ${BOND_XL_DEFAULTS.order + 2} history-filling steps (not timed); ${perStep.toFixed(1)} solver evaluations per step`,
        },
        rates,
      ),
    );
  }

  // --- Batch of small structures ---------------------------------------------------------------
  {
    const id = "batch-cu108";
    const batch = rattledCells(200);
    const calc = await EamCalculator.create(potential, { variant, module });
    calc.onWarning = () => undefined;
    progress(`${id}: warm-up`);
    for (const a of batch.slice(0, 8)) calc.calculate(a);
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      progress(`${id}: run ${r + 1} of ${runs}`);
      await breathe();
      const t0 = performance.now();
      for (const a of batch) calc.calculate(a);
      const s = (performance.now() - t0) / 1000;
      rates.push(batch.length / s);
    }
    entries.push(
      entry(
        {
          id,
          name: `batch of ${batch.length} rattled fcc Cu cells (108 atoms), one EamCalculator: energy, forces, stress`,
          atoms: 108,
          steps: 0,
          structures: batch.length,
          unit: "structures/s",
          notes: "in-process, one after another",
        },
        rates,
      ),
    );
  }

  progress("done");
  return {
    suite: SUITE_ID,
    version: pkg.version,
    date,
    quick,
    runtime: { ...detectRuntime(), ...opts.runtime },
    simd: variant === "simd",
    workers: 1,
    seconds: (performance.now() - started) / 1000,
    entries,
  };
}

/** A Markdown table of a report's entries. */
export function formatReportTable(report: BenchmarkReport): string {
  const lines = [
    `| entry | atoms | rate (median) | min | max | cost | notes |`,
    `|---|---:|---:|---:|---:|---:|---|`,
  ];
  const f = (v: number) => (v >= 100 ? v.toExponential(3) : v.toFixed(1));
  for (const e of report.entries) {
    lines.push(`| ${e.id} | ${e.atoms} | ${f(e.median)} ${e.unit} | ${f(e.min)} | ${f(e.max)} | ${e.cost.toFixed(3)} ${e.costUnit} | ${e.notes} |`);
  }
  return lines.join("\n");
}
