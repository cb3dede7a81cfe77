// Benchmarks (npm run bench): the LAMMPS bench/in.eam workload run by our SIMD and scalar kernels
// and, when `lmp` is on PATH, by LAMMPS eam and eam/opt, in one invocation. Reports medians of
// several runs in microseconds per atom-step, ratios, the share of time in neighbor builds and the
// wasm memory per atom; then the ECT-EAM section (bench/ect.ts), the worker-pool batch (bench/workers.ts),
// one MD run over spatial domains (bench/domain.ts) and Streitz-Mintmire against LAMMPS examples/streitz (bench/streitz.ts).
// Whole-process timings (bench/process.ts): in.eam as `ect-eam md` against `lmp`, with start-up on its own line
// (with --only process also the Streitz example; --only process-eam: in.eam only, --runs N of each).
// Usage: node dist/bench.js [--runs N] [--quick] [--sizes 4000,32000,256000] [--only eam|ect|workers|domain|domain-streitz|streitz|process|process-eam]
//        --only streitz [--solvers default,lammps,xl,shadow,shadow1] [--compare-wasm OLD.simd.wasm]: only those rows (and not the
//        tolerance check and consistent-mode table); with --compare-wasm each row also runs that kernel build, the two alternating run by run;
//        --only process --solvers default: the Streitz rows without --qeq-xl and --qeq-xl-shadow
//        --only process|process-eam [--compare-dist OLD_DIST]: each row also runs OLD_DIST/cli.js (another build's dist/),
//        alternating with this build and LAMMPS run by run, and gives the CPU ratio new/old
//        node dist/bench.js --json [--quick] [--scalar]: the portable suite (src/benchmark), JSON report only
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk } from "../src/structures/lattice.js";
import { EamEngine } from "../src/eam/engine.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { findLammps, lammpsPairStyles, runLammpsEam } from "./lammps.js";
import { benchEct } from "./ect.js";
import { benchWorkers } from "./workers.js";
import { benchDomain } from "./domain.js";
import { benchDomainStreitz } from "./domain-streitz.js";
import { benchJson } from "./json.js";
import { benchStreitz } from "./streitz.js";
import { benchProcess } from "./process.js";
import { runLammpsJsEam } from "./lammps-js.js";

const POTENTIAL = "potentials/Cu_u3.eam";
const A = 3.615;
const TEMPERATURE = 1600;
const DT = 5; // fs (LAMMPS in.eam: timestep 0.005 ps)
const SKIN = 1.0;

interface Sample {
  usPerAtomStep: number;
  neighShare: number;
  builds: number;
  bytesPerAtom: number;
}

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    quick: { type: "boolean", default: false },
    sizes: { type: "string" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
    scalar: { type: "boolean", default: false },
    solvers: { type: "string" },
    "compare-wasm": { type: "string" },
    "compare-dist": { type: "string" },
  },
});
const runs = Math.max(1, Number(values.runs));
const quick = values.quick === true;
const repeats = values.sizes
  ? values.sizes.split(",").map((s) => Math.round(Math.cbrt(Number(s) / 4)))
  : quick ? [10, 20] : [10, 20, 40];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

function stepsFor(n: number): number {
  if (quick) return n > 100000 ? 10 : 50;
  return n > 100000 ? 20 : 100;
}

async function ours(variant: KernelVariant, repeat: number, steps: number): Promise<Sample> {
  const pot = readEamPotentialFile(POTENTIAL);
  const atoms = bulk("Cu", "fcc", A, repeat);
  atoms.velocities = maxwellBoltzmann(atoms.masses, TEMPERATURE, 376847);
  const engine = await EamEngine.create(pot, { variant, skin: SKIN });
  engine.setAtoms(atoms);
  engine.compute();
  // Warm up (V8 tiers wasm up after a few calls), then restore the start state.
  engine.runVerlet(5, DT, { every: 1, delay: 5 });
  engine.setAtoms(atoms);
  engine.compute();
  const b0 = engine.neighborStats().builds;
  const t0 = performance.now();
  engine.runVerlet(steps, DT, { every: 1, delay: 5 });
  const ms = performance.now() - t0;
  const builds = engine.neighborStats().builds - b0;
  // Time of one build on the final configuration, to apportion the run's time.
  const r0 = performance.now();
  const reps = 3;
  for (let k = 0; k < reps; k++) engine.rebuild();
  const buildMs = (performance.now() - r0) / reps;
  const mem = engine.memoryUse();
  return {
    usPerAtomStep: (ms * 1000) / (steps * atoms.length),
    neighShare: Math.min(1, (builds * buildMs) / ms),
    builds,
    bytesPerAtom: mem.reserved / atoms.length,
  };
}

function fmt(v: number, d = 3): string {
  return v.toFixed(d);
}

/** Whether this build's `ect-eam md` has the --qeq-xl option (extended-Lagrangian Streitz charges). */
function cliHasQeqXl(): boolean {
  const r = spawnSync(process.execPath, ["dist/cli.js", "md", "--help"], { encoding: "utf8" });
  return (r.stdout ?? "").includes("--qeq-xl");
}

async function main(): Promise<void> {
  if (values.json) return benchJson({ quick, simd: !values.scalar });
  // Every figure below comes from this command line, so it heads the output.
  console.log(`# command: node dist/bench.js ${process.argv.slice(2).join(" ")} (${new Date().toISOString().slice(0, 16)} UTC)`);
  const lmp = findLammps();
  if (values.only === "ect") return benchEct({ quick, lmp, runs });
  if (values.only === "workers") return benchWorkers({ quick, runs });
  if (values.only === "streitz") {
    return benchStreitz({ quick, runs: values.solvers ? runs : Math.min(runs, 3), lmp, solvers: values.solvers?.split(","), compareWasm: values["compare-wasm"] });
  }
  if (values.only === "domain") return benchDomain({ quick, runs });
  if (values.only === "domain-streitz") return benchDomainStreitz({ quick, runs });
  // (--solvers with --only process: the exact-solve Streitz rows only, without the --qeq-xl ones)
  const compareDist = values["compare-dist"];
  if (values.only === "process") return benchProcess({ quick, runs: Math.max(3, runs), lmp, streitz: true, xl: !values.solvers && cliHasQeqXl(), compareDist });
  if (values.only === "process-eam") return benchProcess({ quick, runs: Math.max(3, runs), lmp, streitz: false, xl: false, compareDist });
  const styles = lmp ? lammpsPairStyles(lmp) : new Set<string>();
  console.log(`# ect-eam benchmark: LAMMPS bench/in.eam workload (fcc Cu a=${A} A, ${POTENTIAL}, ${TEMPERATURE} K, dt ${DT} fs, skin ${SKIN} A, neigh every 1 delay 5 check yes)`);
  console.log(`# node ${process.version}, ${runs} runs per entry (median), LAMMPS: ${lmp ?? "not installed (apt-get install lammps)"}`);
  console.log(`# load average: ${loadavg().map((v) => v.toFixed(2)).join(" ")} (2 cores, shared with other work)`);
  for (const repeat of repeats) {
    const n = 4 * repeat ** 3;
    const steps = stepsFor(n);
    const rows: { name: string; us: number; extra: string }[] = [];
    // Rounds: each runs every engine once, so that a change of the machine's load hits all of them;
    // the ratio column is the median of the per-round ratios.
    const lmpStyles = lmp ? (["eam", "eam/opt"] as const).filter((st) => styles.has(st)) : [];
    const oursSamples: Record<KernelVariant, Sample[]> = { simd: [], scalar: [] };
    const lmpSamples: Record<string, ReturnType<typeof runLammpsEam>[]> = { eam: [], "eam/opt": [] };
    for (let r = 0; r < runs; r++) {
      for (const variant of ["simd", "scalar"] as KernelVariant[]) oursSamples[variant].push(await ours(variant, repeat, steps));
      if (r < 3) for (const style of lmpStyles) lmpSamples[style].push(runLammpsEam({ lmp: lmp!, repeat, steps, variant: style, potentialPath: POTENTIAL }));
    }
    const roundRatio = (xs: number[]) => {
      const opt = lmpSamples["eam/opt"];
      return opt.length ? median(opt.map((o, k) => xs[k] / o.usPerAtomStep)) : NaN;
    };
    for (const variant of ["simd", "scalar"] as KernelVariant[]) {
      const samples = oursSamples[variant];
      const rr = roundRatio(samples.map((x) => x.usPerAtomStep));
      rows.push({
        name: `ect-eam ${variant}`,
        us: median(samples.map((x) => x.usPerAtomStep)),
        extra: `neighbor builds ${samples[0].builds}, ~${fmt(100 * median(samples.map((x) => x.neighShare)), 1)} % of time in builds, wasm memory ${fmt(samples[0].bytesPerAtom, 0)} B/atom${Number.isFinite(rr) ? `; median of per-round ratios to eam/opt ${fmt(rr, 2)}` : ""}`,
      });
    }
    if (lmp) {
      for (const style of ["eam", "eam/opt"] as const) {
        const samples = lmpSamples[style];
        if (!styles.has(style) || samples.length === 0) {
          rows.push({ name: `LAMMPS ${style}`, us: NaN, extra: "not available in this LAMMPS build" });
          continue;
        }
        const us = median(samples.map((x) => x.usPerAtomStep));
        const pair = median(samples.map((x) => (x.pairSeconds * 1e6) / (x.atoms * x.steps)));
        const neigh = median(samples.map((x) => x.neighSeconds / x.loopSeconds));
        rows.push({ name: `LAMMPS ${style}`, us, extra: `pair only ${fmt(pair)} us/atom-step, ${fmt(100 * neigh, 1)} % in Neigh (${samples[0].lammpsVersion})` });
      }
    }
    const ljs = await runLammpsJsEam({ repeat, steps, runs: Math.min(runs, 3), potentialPath: POTENTIAL });
    rows.push(
      ljs
        ? { name: `lammps.js ${ljs.version} (wasm-atomify, eam)`, us: ljs.usPerAtomStep, extra: `WebAssembly LAMMPS in this Node process, serial; module load ${(ljs.loadMs / 1000).toFixed(1)} s` }
        : { name: "lammps.js", us: NaN, extra: "not installed (npm i --no-save lammps.js adds this row)" },
    );
    const ref = rows.find((r) => r.name === "LAMMPS eam/opt" && Number.isFinite(r.us));
    console.log(`\n## ${n} atoms, ${steps} steps`);
    console.log(`| engine | us/atom-step | ratio to LAMMPS eam/opt | notes |`);
    console.log(`|---|---:|---:|---|`);
    for (const r of rows) {
      const ratio = ref && Number.isFinite(r.us) ? fmt(r.us / ref.us, 2) : "-";
      console.log(`| ${r.name} | ${Number.isFinite(r.us) ? fmt(r.us) : "-"} | ${ratio} | ${r.extra} |`);
    }
    const simd = rows.find((r) => r.name === "ect-eam simd")!;
    const scalar = rows.find((r) => r.name === "ect-eam scalar")!;
    console.log(`SIMD speed-up over scalar: ${fmt(scalar.us / simd.us, 2)}x; load average after: ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
  }
  await benchProcess({ quick, runs: 3, lmp, streitz: false, xl: false });
  if (values.only !== "eam") {
    await benchEct({ quick, lmp, runs });
    await benchWorkers({ quick, runs });
    await benchStreitz({ quick, runs: Math.min(runs, 3), lmp });
    await benchDomain({ quick, runs });
  }
}

await main();
