// Single-point LAMMPS runs for EAM cross-checks, built exactly like test/fixtures/ref (see its
// README): the same input template, `atom_modify map array sort 0 0.0`, `box tilt large`, per-atom
// energies from `compute pe/atom`, the virial from `compute pressure NULL virial`.
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Atoms } from "../../src/atoms.js";
import { formatLammpsData } from "../../src/io/lammps-data.js";
import type { EamStyle } from "../../src/potentials/types.js";
import { lammpsEnv } from "./tools.js";

/** LAMMPS metal nktv2p (src/update.cpp): pressure in bar = W (eV) * NKTV2P / V (A^3). */
export const NKTV2P = 1.6021765e6;

/** What to run: one structure, one potential. */
export interface LammpsPointInput {
  /** Short name (file names in `dir`); [A-Za-z0-9_-] only. */
  name: string;
  /** Path of the `lmp` executable. */
  lmp: string;
  /** Work directory (must exist); the input, data, dump, log and potential are written there. */
  dir: string;
  atoms: Atoms;
  /** Potential file; copied into `dir`. */
  potentialPath: string;
  pairStyle: EamStyle;
}

/** LAMMPS' answer, per atom in data-file order (= the order of `atoms`). */
export interface LammpsPoint {
  /** Total potential energy (thermo pe), eV. */
  pe: number;
  /** Box volume, A^3. */
  volume: number;
  /** Virial W_ab, eV, full 3x3 row-major, = P * V / nktv2p. */
  virial: Float64Array;
  /** Atom types (1-based) as LAMMPS saw them. */
  types: Int32Array;
  /** Positions after read_data (LAMMPS wraps periodic directions), A, N x 3. */
  positions: Float64Array;
  /** Forces, eV/A, N x 3. */
  forces: Float64Array;
  /** Per-atom energies from compute pe/atom, eV. */
  energies: Float64Array;
  /** Species per LAMMPS type (index 0 is type 1): the species present, sorted alphabetically. */
  typeSpecies: string[];
  /** The input script that was run. */
  input: string;
}

/** LAMMPS boundary keyword for a pbc triple: p where periodic, f where open. */
export function boundaryOf(pbc: readonly boolean[]): string {
  return pbc.map((p) => (p ? "p" : "f")).join(" ");
}

/**
 * The input script, as in test/fixtures/ref/README.md. Types are the species present, sorted
 * alphabetically; `pair_coeff * * FILE El1 El2 ...` maps them by name (funcfl: `pair_coeff 1 1 FILE`).
 */
export function lammpsInput(name: string, potFile: string, pairStyle: EamStyle, boundary: string, typeSpecies: string[]): string {
  const coeff = pairStyle === "eam" ? `1 1 ${potFile}` : `* * ${potFile} ${typeSpecies.join(" ")}`;
  return [
    `# EAM single-point cross-check: ${name}`,
    `# potential: ${potFile} (${pairStyle}); boundary ${boundary}`,
    "units           metal",
    "atom_style      atomic",
    "atom_modify     map array sort 0 0.0",
    `boundary        ${boundary}`,
    "box             tilt large",
    `read_data       ${name}.data`,
    `pair_style      ${pairStyle}`,
    `pair_coeff      ${coeff}`,
    "neighbor        1.0 bin",
    "neigh_modify    every 1 delay 0 check no",
    "compute         peatom all pe/atom",
    "compute         pvir all pressure NULL virial",
    "thermo_style    custom step pe c_pvir[1] c_pvir[2] c_pvir[3] c_pvir[4] c_pvir[5] c_pvir[6] vol",
    "thermo_modify   format float %.17g",
    `dump            d all custom 1 ${name}.dump id type x y z fx fy fz c_peatom`,
    "dump_modify     d format float %.17g sort id",
    "run             0",
    'print           "REF_PE $(pe:%.17g)"',
    'print           "REF_VOL $(vol:%.17g)"',
    'print           "REF_P $(c_pvir[1]:%.17g) $(c_pvir[2]:%.17g) $(c_pvir[3]:%.17g) $(c_pvir[4]:%.17g) $(c_pvir[5]:%.17g) $(c_pvir[6]:%.17g)"',
    "",
  ].join("\n");
}

/** Output of one LAMMPS run: the log, and the numbers of every `print "REF_KEY v1 v2 ..."` line by key. */
export interface LammpsRun {
  log: string;
  ref: (key: string) => number[];
  /** Throws with the log's tail (the place LAMMPS stopped). */
  fail: (why: string) => never;
}

/**
 * Runs `lmp -in INPUT -log LOG` in `dir` (serial, OMP_NUM_THREADS=1), where INPUT is already there.
 * Scripts report results as `print "REF_KEY $(expr:%.17g) ..."`; a failed run throws with the log's tail.
 */
export async function runLammpsFile(lmp: string, dir: string, input: string, logFile: string, name = input): Promise<LammpsRun> {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(lmp, ["-in", input, "-log", logFile, "-screen", "none"], {
      cwd: dir,
      env: lammpsEnv(dir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, output }));
  });
  let log = "";
  try {
    log = readFileSync(join(dir, logFile), "utf8");
  } catch {
    // reported below
  }
  const fail = (why: string): never => {
    const tail = (log || output).trim().split("\n").slice(-12).join("\n");
    throw new Error(`LAMMPS run '${name}' in ${dir}: ${why}\n${tail}`);
  };
  if (code !== 0) fail(`exit code ${code}`);
  const ref = (key: string): number[] => {
    const m = new RegExp(`^REF_${key} (.*)$`, "m").exec(log);
    if (!m) return fail(`no REF_${key} line in ${logFile}`);
    const v = m[1].trim().split(/\s+/).map(Number);
    if (!v.every(Number.isFinite)) fail(`bad REF_${key} line: ${m[0]}`);
    return v;
  };
  return { log, ref, fail };
}

/** Writes `input` to `dir`/in.NAME, copies `files` (potentials) there, and runs it (`runLammpsFile`). */
export async function runLammpsInput(lmp: string, dir: string, name: string, input: string, files: string[] = []): Promise<LammpsRun> {
  if (!/^[\w-]+$/.test(name)) throw new Error(`bad run name '${name}'`);
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  writeFileSync(join(dir, `in.${name}`), input);
  return runLammpsFile(lmp, dir, `in.${name}`, `log.${name}`, name);
}

/** Runs LAMMPS once (serial, OMP_NUM_THREADS=1) and parses the dump and the printed REF lines. */
export async function runLammpsPoint(inp: LammpsPointInput): Promise<LammpsPoint> {
  const { name, lmp, dir, atoms, pairStyle } = inp;
  if (!/^[\w-]+$/.test(name)) throw new Error(`bad run name '${name}'`);
  const typeSpecies = [...new Set(atoms.symbols)].sort();
  if (pairStyle === "eam" && typeSpecies.length !== 1) throw new Error(`${name}: funcfl (pair_style eam) runs take one species`);
  const potFile = basename(inp.potentialPath);
  writeFileSync(join(dir, `${name}.data`), formatLammpsData(atoms, { species: typeSpecies, comment: `cross-check ${name}` }));
  const input = lammpsInput(name, potFile, pairStyle, boundaryOf(atoms.pbc), typeSpecies);
  const { ref, fail } = await runLammpsInput(lmp, dir, name, input, [inp.potentialPath]);
  const line = (key: string) => ref(key.replace(/^REF_/, ""));
  const [pe] = line("REF_PE");
  const [volume] = line("REF_VOL");
  const p = line("REF_P"); // xx yy zz xy xz yz, bar
  if (p.length !== 6) fail(`REF_P has ${p.length} numbers`);
  const w = p.map((v) => (v * volume) / NKTV2P);
  const virial = Float64Array.of(w[0], w[3], w[4], w[3], w[1], w[5], w[4], w[5], w[2]);

  const dump = readFileSync(join(dir, `${name}.dump`), "utf8").split("\n");
  const head = dump.findIndex((l) => l.startsWith("ITEM: ATOMS"));
  if (head < 0 || dump[head].trim() !== "ITEM: ATOMS id type x y z fx fy fz c_peatom") fail("unexpected dump header");
  const n = atoms.length;
  const types = new Int32Array(n);
  const positions = new Float64Array(3 * n);
  const forces = new Float64Array(3 * n);
  const energies = new Float64Array(n);
  const seen = new Uint8Array(n);
  for (const l of dump.slice(head + 1)) {
    if (l.trim() === "") continue;
    const t = l.trim().split(/\s+/).map(Number);
    const i = t[0] - 1;
    if (t.length !== 9 || !Number.isInteger(i) || i < 0 || i >= n || seen[i]) fail(`bad dump line '${l}'`);
    seen[i] = 1;
    types[i] = t[1];
    positions.set(t.slice(2, 5), 3 * i);
    forces.set(t.slice(5, 8), 3 * i);
    energies[i] = t[8];
  }
  if (seen.some((s) => s === 0)) fail(`dump has ${seen.reduce((a, s) => a + s, 0)} atoms, expected ${n} (atoms lost?)`);
  return { pe, volume, virial, types, positions, forces, energies, typeSpecies, input };
}
