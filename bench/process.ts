// Whole-process benchmark: what a user waits for, from the shell prompt back to the prompt.
// `ect-eam md` (node dist/cli.js) against `lmp -in ...` on the same workload, alternating runs so that
// both see the same machine load: LAMMPS' in.eam (32,000 fcc Cu, eam/opt, 100 steps) and, with
// --streitz, the examples/streitz Wolf and Ewald runs (2160 atoms, 100 steps). Each row gives the
// median wall time and, where /usr/bin/time is installed, the median CPU time (user + system) of the
// process, and their ratios. The start-up line runs the same commands with 0 steps, and an in-process
// breakdown times the phases of our start-up (module import, wasm compile, reading the potential,
// building the structure, the first forces), and a probe times compiling every kernel ahead of time
// (the most a cache of compiled wasm could save; Node 20 offers none that outlives the process).
import { spawnSync } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

interface Timing {
  wall: number;
  cpu: number;
}

const TIME = "/usr/bin/time";
function hasTime(): boolean {
  try {
    accessSync(TIME, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command once; wall time (s) by the clock, CPU time (s) from /usr/bin/time when present. */
function timed(cmd: string, args: string[], cwd: string, withTime: boolean): Timing {
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(TIME, ["-f", "@@cpu %U %S", cmd, ...args], { cwd, encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } })
    : spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${(r.stderr ?? "").slice(-800)}`);
  const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? "");
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

interface Pair {
  name: string;
  ours: { cmd: string; args: string[] };
  lammps: { input: string; files: string[] } | null;
}

function inEam(steps: number): string {
  return [
    "variable x index 20", "variable y index 20", "variable z index 20",
    "units metal", "atom_style atomic", "lattice fcc 3.615", "region box block 0 $x 0 $y 0 $z",
    "create_box 1 box", "create_atoms 1 box", "pair_style eam/opt", "pair_coeff 1 1 Cu_u3.eam",
    "velocity all create 1600.0 376847 loop geom", "neighbor 1.0 bin", "neigh_modify every 1 delay 5 check yes",
    "fix 1 all nve", "timestep 0.005", "thermo 50", `run ${steps}`, "",
  ].join("\n");
}

function eamPair(steps: number): Pair {
  return {
    name: `in.eam, 32,000 Cu, ${steps} steps`,
    ours: {
      cmd: process.execPath,
      args: ["dist/cli.js", "md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "20",
        "--steps", String(steps), "--dt", "5", "--temperature", "1600", "--seed", "376847", "--neigh-every", "1", "--neigh-delay", "5", "--thermo", "50"],
    },
    lammps: { input: inEam(steps), files: ["potentials/Cu_u3.eam"] },
  };
}

/** The Streitz example; ours with `xl` ("--qeq-xl" or "--qeq-xl-shadow") when given. */
function streitzPair(summation: "wolf" | "ewald", steps: number, xl?: "--qeq-xl" | "--qeq-xl-shadow"): Pair {
  const stock = readFileSync(join("bench/streitz", `in.streitz.${summation}`), "utf8").replace(/^run\s+\d+\s*$/m, `run ${steps}`);
  const ewald = summation === "ewald" ? ["--ewald-g", "0.31013173", "--ewald-kmax", "10,11,10"] : [];
  return {
    name: `examples/streitz ${summation}, 2160 atoms, ${steps} steps${xl ? `, ours with ${xl}` : ""}`,
    ours: {
      cmd: process.execPath,
      args: ["dist/cli.js", "md", "--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz", "--summation", summation,
        ...ewald, "--input", "bench/streitz/data.streitz", "--species", "Al,O", "--steps", String(steps), "--dt", "0.4",
        "--temperature", "300", "--seed", "42128", "--neigh-every", "10", "--thermo", "10", ...(xl ? [xl] : [])],
    },
    lammps: { input: stock, files: ["bench/streitz/data.streitz", "potentials/AlO.eam.alloy", "potentials/AlO.streitz"] },
  };
}

/** `ours` of a pair run from another build's dist directory (its cli.js; same arguments otherwise). */
function withDist(p: Pair, dist: string): Pair["ours"] {
  return { cmd: p.ours.cmd, args: p.ours.args.map((a) => (a === "dist/cli.js" ? join(resolve(dist), "cli.js") : a)) };
}

/** Times both sides of a pair `runs` times, alternating (with `old`, also another build of ours between them). */
function runPair(p: Pair, lmp: string | null, runs: number, withTime: boolean, old?: Pair["ours"]): { ours: Timing; lammps: Timing | null; old: Timing | null } {
  const root = resolve(".");
  const dir = mkdtempSync(join(tmpdir(), "bench-process-"));
  try {
    if (p.lammps) {
      for (const f of p.lammps.files) copyFileSync(f, join(dir, f.split("/").pop()!));
      writeFileSync(join(dir, "in.run"), p.lammps.input);
    }
    const ours: Timing[] = [], theirs: Timing[] = [], before: Timing[] = [];
    for (let r = 0; r < runs; r++) {
      // the two builds in alternating order, so neither always runs right after LAMMPS
      if (old && r % 2 === 1) before.push(timed(old.cmd, old.args, root, withTime));
      ours.push(timed(p.ours.cmd, p.ours.args, root, withTime));
      if (old && r % 2 === 0) before.push(timed(old.cmd, old.args, root, withTime));
      if (lmp && p.lammps) theirs.push(timed(lmp, ["-in", "in.run", "-screen", "none", "-log", "none"], dir, withTime));
    }
    const pick = (xs: Timing[]) => ({ wall: median(xs.map((t) => t.wall)), cpu: median(xs.map((t) => t.cpu)) });
    return { ours: pick(ours), lammps: theirs.length ? pick(theirs) : null, old: before.length ? pick(before) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our start-up phases, timed inside fresh Node processes (ms, medians of `runs`). */
function startupPhases(runs: number): string {
  const script = `
const t0 = performance.now();
const api = await import(${JSON.stringify(resolve("dist/index.js"))});
const t1 = performance.now();
await api.loadKernelModule("simd");
const t2 = performance.now();
const pot = api.readEamPotentialFile("potentials/Cu_u3.eam");
const t3 = performance.now();
const atoms = api.bulk("Cu", "fcc", 3.615, 20);
atoms.velocities = api.maxwellBoltzmann(atoms.masses, 1600, 376847);
const t4 = performance.now();
const e = await api.EamEngine.create(pot, { skin: 1.0 });
e.setAtoms(atoms);
e.compute();
const t5 = performance.now();
e.closestPair();
const t6 = performance.now();
console.log([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5].map((v) => v.toFixed(1)).join(" "));
`;
  const rows: number[][] = [];
  for (let r = 0; r < runs; r++) {
    // --no-liftoff as the CLI sets it (src/cli/main.ts): kernels optimized from their first call.
    const out = spawnSync(process.execPath, ["--no-liftoff", "--input-type=module", "-e", script], { encoding: "utf8" });
    if (out.status !== 0) return `(phase timing failed: ${(out.stderr ?? "").trim().split("\n").pop()})`;
    rows.push(out.stdout.trim().split(" ").map(Number));
  }
  const [imp, wasm, pot, atoms, first, closest] = rows[0].map((_, k) => median(rows.map((r) => r[k])).toFixed(1));
  return `import dist/index.js ${imp} ms, compile the wasm ${wasm} ms, read Cu_u3.eam ${pot} ms, build 32,000 atoms + velocities ${atoms} ms, ` +
    `engine + first forces (incl. neighbor list and the first-call compilation of the kernels used) ${first} ms, ` +
    `closest pair (the CLI's overlap check) ${closest} ms`;
}

/**
 * CPU time (ms, median of `runs` fresh processes) of compiling every kernel function ahead of time
 * with TurboFan, what a cache of the compiled module could save at most; the CLI compiles only the
 * functions it calls, lazily.
 */
function eagerCompileMs(runs: number): number {
  const script = `
const bytes = (await import("node:fs")).readFileSync(${JSON.stringify(resolve("dist/eam.simd.wasm"))});
const c0 = process.cpuUsage();
await WebAssembly.compile(bytes);
const c = process.cpuUsage(c0);
console.log((c.user + c.system) / 1000);
`;
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = spawnSync(process.execPath, ["--no-liftoff", "--no-wasm-lazy-compilation", "--input-type=module", "-e", script], { encoding: "utf8" });
    if (out.status === 0) xs.push(Number(out.stdout.trim()));
  }
  return xs.length ? median(xs) : NaN;
}

/** The whole-process section: in.eam (and the Streitz example with `streitz`). */
export async function benchProcess(opts: { runs: number; lmp: string | null; quick: boolean; streitz: boolean; xl: boolean; compareDist?: string }): Promise<void> {
  const runs = Math.max(3, opts.runs);
  const withTime = hasTime();
  const load0 = loadavg();
  console.log(`\n## Whole process (shell to shell): ect-eam md (node dist/cli.js) against lmp -in, alternating, median of ${runs} runs each`);
  console.log(`# load average before: ${load0.map((v) => v.toFixed(2)).join(" ")} (2 cores shared); CPU times from ${withTime ? TIME : "(not installed: wall only)"}`);
  const cmp = opts.compareDist;
  if (cmp) console.log(`# "old": the same commands with ${resolve(cmp)}/cli.js, alternating with this build run by run`);
  console.log(`| workload | ours wall (s) | LAMMPS wall (s) | ratio (wall) | ours CPU (s) | LAMMPS CPU (s) | ratio (CPU) |${cmp ? " old CPU (s) | old ratio (CPU) | new/old (CPU) |" : ""}`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|${cmp ? "---:|---:|---:|" : ""}`);
  const eamSteps = opts.quick ? 20 : 100;
  const pairs: Pair[] = [eamPair(0), eamPair(eamSteps)];
  if (opts.streitz) {
    for (const s of ["wolf", "ewald"] as const) pairs.push(streitzPair(s, opts.quick ? 10 : 100));
    if (opts.xl) {
      for (const xl of ["--qeq-xl", "--qeq-xl-shadow"] as const) {
        for (const s of ["wolf", "ewald"] as const) pairs.push(streitzPair(s, opts.quick ? 10 : 100, xl));
      }
    }
  }
  const results: { ours: Timing; lammps: Timing | null; old: Timing | null }[] = [];
  const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(3));
  for (const p of pairs) {
    const r = runPair(p, opts.lmp, runs, withTime, cmp ? withDist(p, cmp) : undefined);
    results.push(r);
    const label = p.name.includes(" 0 steps") ? `start-up: ${p.name}` : p.name;
    const o = r.old;
    console.log(
      `| ${label} | ${f(r.ours.wall)} | ${f(r.lammps?.wall)} | ${r.lammps ? f(r.ours.wall / r.lammps.wall) : "-"} | ` +
        `${f(r.ours.cpu)} | ${f(r.lammps?.cpu)} | ${r.lammps ? f(r.ours.cpu / r.lammps.cpu) : "-"} |` +
        (o ? ` ${f(o.cpu)} | ${r.lammps ? f(o.cpu / r.lammps.cpu) : "-"} | ${f(r.ours.cpu / o.cpu)} |` : ""),
    );
  }
  // The steps alone: the in.eam process minus the start-up one (medians), per atom-step.
  const [s0, s1] = results;
  const per = (a: number, b: number) => ((a - b) * 1e6) / (32000 * eamSteps);
  const oursStep = per(s1.ours.cpu, s0.ours.cpu), lmpStep = s1.lammps && s0.lammps ? per(s1.lammps.cpu, s0.lammps.cpu) : NaN;
  const oursWall = per(s1.ours.wall, s0.ours.wall), lmpWall = s1.lammps && s0.lammps ? per(s1.lammps.wall, s0.lammps.wall) : NaN;
  console.log(
    `# in.eam steps alone (${eamSteps}-step process minus the 0-step one), us/atom-step: ours ${f(oursStep)} CPU / ${f(oursWall)} wall, ` +
      `LAMMPS eam/opt ${f(lmpStep)} CPU / ${f(lmpWall)} wall; ratio ${f(oursStep / lmpStep)} (CPU), ${f(oursWall / lmpWall)} (wall)`,
  );
  console.log(`# start-up phases (ours, fresh processes, medians of ${runs}, wall): ${startupPhases(runs)}`);
  console.log(
    `# compiled wasm: compiling all kernel functions ahead of time takes ${eagerCompileMs(runs).toFixed(1)} ms CPU (node --no-wasm-lazy-compilation); ` +
      `the CLI compiles the twenty or so it calls, each on its first call. Node ${process.version} has no persistent cache for compiled wasm ` +
      `(v8.serialize of a WebAssembly.Module gives an in-process handle that no other process can read), so none is kept.`,
  );
  console.log(`# commands: ${pairs.map((p) => `${p.ours.args.join(" ")}`).slice(0, 2).join(" ; ")} ; lmp -in in.run -screen none -log none (in.eam with pair_style eam/opt)`);
  console.log(`# load average after: ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
}
