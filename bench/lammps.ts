/**
 * Runs LAMMPS on its own EAM benchmark (`bench/in.eam` of the LAMMPS source: fcc Cu, Cu_u3.eam, NVE at
 * 1600 K initial temperature) so our timings can be compared with LAMMPS on the same machine.
 * Node only. LAMMPS runs serially (one process, `OMP_NUM_THREADS=1`).
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";

/** Options for {@link runLammpsEam}. */
export interface LammpsEamOptions {
  /** Path of the `lmp` executable (see {@link findLammps}). */
  lmp: string;
  /** fcc conventional cells per box edge (in.eam uses 20, i.e. 32000 atoms); 4 * repeat^3 atoms. */
  repeat: number;
  /** Number of MD steps (`run N`; timestep 0.005 ps). */
  steps: number;
  /** LAMMPS pair style: plain `eam` or the OPT package's `eam/opt`. */
  variant: "eam" | "eam/opt";
  /** DYNAMO funcfl file for Cu (e.g. potentials/Cu_u3.eam); copied into the work directory. */
  potentialPath: string;
  /** Directory for the input, log and potential; kept afterwards. Default: a fresh temp dir, removed on success. */
  workDir?: string;
}

/** Timings of one LAMMPS run, parsed from its log. */
export interface LammpsEamResult {
  /** Number of atoms (from "Loop time ... with M atoms"). */
  atoms: number;
  /** Number of MD steps run. */
  steps: number;
  /** Wall time of the MD loop in s ("Loop time of X"). */
  loopSeconds: number;
  /** Time in the pair style (force computation) in s: "Pair" row, "avg time" column. */
  pairSeconds: number;
  /** Time building neighbour lists in s: "Neigh" row, "avg time" column. */
  neighSeconds: number;
  /** loopSeconds / (atoms * steps), in microseconds per atom per step. */
  usPerAtomStep: number;
  /** LAMMPS version string from the first log line, e.g. "29 Sep 2021 - Update 2". */
  lammpsVersion: string;
}

/** Path of the `lmp` executable if one is on PATH (also tries `lmp_serial`, `lmp_mpi`), else null. */
export function findLammps(): string | null {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of ["lmp", "lmp_serial", "lmp_mpi"]) {
    for (const dir of dirs) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

const helpCache = new Map<string, string>();

/** Output of `lmp -h` (cached per executable path). */
function lammpsHelp(lmp: string): string {
  let h = helpCache.get(lmp);
  if (h === undefined) {
    const r = spawnSync(lmp, ["-h"], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" }, timeout: 60_000 });
    if (r.error) throw new Error(`cannot run ${lmp} -h: ${r.error.message}`);
    h = r.stdout ?? "";
    helpCache.set(lmp, h);
  }
  return h;
}

/** Pair styles compiled into this LAMMPS executable (from the "* Pair styles:" list of `lmp -h`). */
export function lammpsPairStyles(lmp: string): Set<string> {
  const help = lammpsHelp(lmp);
  const m = /\* Pair styles:\s*\n([\s\S]*?)\n\s*\*/.exec(help);
  return new Set(m ? m[1].split(/\s+/).filter(Boolean) : []);
}

/** The LAMMPS input: `bench/in.eam` with the box size, pair style, potential file and step count filled in. */
function inEam(repeat: number, style: string, potential: string, steps: number): string {
  return [
    "# bulk Cu lattice (LAMMPS bench/in.eam)",
    "",
    `variable\tx index ${repeat}`,
    `variable\ty index ${repeat}`,
    `variable\tz index ${repeat}`,
    "",
    "units\t\tmetal",
    "atom_style\tatomic",
    "",
    "lattice\t\tfcc 3.615",
    "region\t\tbox block 0 $x 0 $y 0 $z",
    "create_box\t1 box",
    "create_atoms\t1 box",
    "",
    `pair_style\t${style}`,
    `pair_coeff\t1 1 ${potential}`,
    "",
    "velocity\tall create 1600.0 376847 loop geom",
    "",
    "neighbor\t1.0 bin",
    "neigh_modify    every 1 delay 5 check yes",
    "",
    "fix\t\t1 all nve",
    "",
    "timestep\t0.005",
    "thermo\t\t50",
    "",
    `run\t\t${steps}`,
    "",
  ].join("\n");
}

/** Parse "Loop time" and the MPI task timing breakdown from a LAMMPS log. Throws if they are missing. */
export function parseLammpsLog(log: string): Omit<LammpsEamResult, "usPerAtomStep"> {
  const version = /^LAMMPS \((.*)\)\s*$/m.exec(log)?.[1] ?? "unknown";
  const loops = [...log.matchAll(/^Loop time of (\S+) on (\d+) procs for (\d+) steps with (\d+) atoms/gm)];
  if (loops.length === 0) throw new Error("no 'Loop time of ...' line in the LAMMPS log");
  const last = loops[loops.length - 1];
  const loopSeconds = Number(last[1]);
  const steps = Number(last[3]);
  const atoms = Number(last[4]);
  // The breakdown table after the last Loop time line.
  const tail = log.slice(last.index);
  const headerMatch = /^Section\s*\|(.*)$/m.exec(tail);
  if (!headerMatch) throw new Error("no 'MPI task timing breakdown' table in the LAMMPS log");
  const cols = headerMatch[1].split("|").map((c) => c.trim());
  const avg = cols.indexOf("avg time");
  if (avg < 0) throw new Error(`no 'avg time' column in the LAMMPS timing table (columns: ${cols.join(", ")})`);
  const row = (name: string): number => {
    const m = new RegExp(`^${name}\\s*\\|(.*)$`, "m").exec(tail);
    if (!m) throw new Error(`no '${name}' row in the LAMMPS timing table`);
    const v = Number(m[1].split("|")[avg].trim());
    if (!Number.isFinite(v)) throw new Error(`bad '${name}' avg time in the LAMMPS timing table: ${m[0]}`);
    return v;
  };
  return { atoms, steps, loopSeconds, pairSeconds: row("Pair"), neighSeconds: row("Neigh"), lammpsVersion: version };
}

/**
 * Run the LAMMPS `bench/in.eam` workload once, serially, and return its timings (seconds; microseconds
 * per atom-step). The input is in.eam verbatim except for the box size (`repeat`), the pair style
 * (`variant`), the potential path and `run steps`; it runs with `-screen none -log log.lammps` and
 * `OMP_NUM_THREADS=1` in `workDir` (or a temp dir).
 *
 * @throws Error when `variant` is not compiled into this LAMMPS ("pair style eam/opt is not available
 *   in this LAMMPS build"), when LAMMPS fails (with the end of its log), or when the log cannot be parsed.
 */
export function runLammpsEam(opts: LammpsEamOptions): LammpsEamResult {
  const { lmp, repeat, steps, variant } = opts;
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`repeat must be a positive integer, got ${repeat}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
  if (variant !== "eam" && variant !== "eam/opt") throw new Error(`variant must be eam or eam/opt, got ${String(variant)}`);
  if (!lammpsPairStyles(lmp).has(variant)) {
    throw new Error(`pair style ${variant} is not available in this LAMMPS build (${lmp} -h does not list it)`);
  }

  const ownDir = opts.workDir === undefined;
  const dir = opts.workDir !== undefined ? resolve(opts.workDir) : mkdtempSync(join(tmpdir(), "lammps-eam-"));
  mkdirSync(dir, { recursive: true });
  const potName = basename(opts.potentialPath).replace(/[^\w.+-]/g, "_");
  copyFileSync(resolve(opts.potentialPath), join(dir, potName));
  writeFileSync(join(dir, "in.eam"), inEam(repeat, variant, potName, steps));

  const r = spawnSync(lmp, ["-in", "in.eam", "-screen", "none", "-log", "log.lammps"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: "1" },
  });
  let log = "";
  try {
    log = readFileSync(join(dir, "log.lammps"), "utf8");
  } catch {
    // reported below
  }
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
    const tailLines = (log || `${r.stdout ?? ""}${r.stderr ?? ""}`).trim().split("\n").slice(-15).join("\n");
    throw new Error(`LAMMPS (${lmp}, ${variant}) failed in ${dir}: ${why}\n${tailLines}`);
  }
  const parsed = parseLammpsLog(log);
  if (ownDir) rmSync(dir, { recursive: true, force: true });
  return { ...parsed, usPerAtomStep: parsed.atoms && parsed.steps ? (parsed.loopSeconds * 1e6) / (parsed.atoms * parsed.steps) : NaN };
}
