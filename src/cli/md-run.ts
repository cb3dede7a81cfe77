/**
 * The `md` command on the generic driver (src/dynamics/driver.ts): thermostats, barostat, restarts,
 * LAMMPS dumps and CSV logs, for EAM and ECT-EAM alike; plus the output helpers the wasm NVE path
 * in md.ts shares.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Atoms } from "../atoms.js";
import { MolecularDynamics, type DynamicsThermo } from "../dynamics/driver.js";
import type { BarostatSpec } from "../dynamics/barostat.js";
import type { RestartData } from "../dynamics/restart.js";
import { readRestartFile, writeRestartFile } from "../dynamics/restart-file.js";
import type { ThermostatSpec } from "../dynamics/thermostats.js";
import { maxwellBoltzmann } from "../dynamics/velocities.js";
import { InputError } from "../errors.js";
import { formatExtxyz } from "../io/extxyz.js";
import { formatLammpsDump } from "../io/lammps-dump.js";
import { readStructureFile } from "../io/structure-file.js";
import { formatThermoHeader, formatThermoRow, thermoColumns, type ThermoLogContent } from "../io/thermo-log.js";
import { bulk, type CubicStructure } from "../structures/lattice.js";
import { loadCalculator, type LoadedCalculator } from "./calculator-options.js";
import { numberOption, speciesOption, thermoHeader, thermoLine } from "./common.js";

/** The flags of `md`, as commander names them. */
export interface MdFlags {
  potential?: string; model?: string; input?: string; lattice?: string; a?: string; repeat: string; element?: string;
  species?: string; style?: string; steps: string; dt: string; temperature: string; seed: string;
  keepVelocities?: boolean; skin: string; neighEvery: string; neighDelay: string; thermo?: string;
  trajectory?: string; every: string; simd: string;
  thermostat?: string; targetTemperature?: string; tdamp: string; chain: string;
  barostat?: string; pressure: string; pdamp: string; couple: string; compressibility?: string;
  dump?: string; dumpEvery: string; log?: string; restart?: string; writeRestart?: string; restartEvery?: string;
  workers?: string;
}

const THERMOSTATS = ["none", "langevin", "nose-hoover"];
const BAROSTATS = ["none", "berendsen"];

/** Refuses settings that would be silently ignored (a thermostat flag without a thermostat, ...). */
export function checkUnusedFlags(opts: MdFlags, given: (flag: string) => boolean, thermostat = "none", barostat = "none"): void {
  const refuse = (flag: string, name: string, needs: string) => {
    if (given(name)) throw new InputError(`${flag} needs ${needs}`);
  };
  if (thermostat === "none") {
    refuse("--target-temperature", "targetTemperature", "--thermostat langevin or nose-hoover");
    refuse("--tdamp", "tdamp", "--thermostat langevin or nose-hoover");
  }
  if (thermostat !== "nose-hoover") refuse("--chain", "chain", "--thermostat nose-hoover");
  if (barostat === "none") {
    for (const [flag, name] of [["--pressure", "pressure"], ["--pdamp", "pdamp"], ["--couple", "couple"], ["--compressibility", "compressibility"]]) {
      refuse(flag, name, "--barostat berendsen");
    }
  }
  if (opts.dump === undefined) refuse("--dump-every", "dumpEvery", "--dump FILE");
  if (opts.writeRestart === undefined) refuse("--restart-every", "restartEvery", "--write-restart FILE");
}

/** Greatest common divisor of two intervals (0 means none), so one hook serves both. */
export function gcdSteps(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The log and dump writers a run opened; `close` closes both. */
export interface MdOutputs {
  log?: (row: DynamicsThermo) => void;
  dump?: (frame: Atoms, step: number) => void;
  close: () => void;
}

/**
 * Opens --log and --dump. When `resumeStep` is a number (a resumed run), existing files are appended
 * to (a log only when its header matches), skipping output at that step, which the earlier run wrote.
 */
export function openOutputs(opts: MdFlags, content: ThermoLogContent, resumeStep: number | false, species?: string[]): MdOutputs {
  const fds: number[] = [];
  const outputs: MdOutputs = { close: () => fds.forEach((fd) => closeSync(fd)) };
  if (opts.log !== undefined) {
    const cols = thermoColumns(content);
    const header = formatThermoHeader(cols);
    const append = resumeStep !== false && existsSync(opts.log) && readFileSync(opts.log, "utf8").split("\n", 1)[0] === header;
    const fd = openSync(opts.log, append ? "a" : "w");
    fds.push(fd);
    if (!append) writeSync(fd, header + "\n");
    outputs.log = (row) => {
      if (append && row.step === resumeStep) return;
      writeSync(fd, formatThermoRow(cols, row) + "\n");
    };
  }
  if (opts.dump !== undefined) {
    const append = resumeStep !== false && existsSync(opts.dump);
    const fd = openSync(opts.dump, append ? "a" : "w");
    fds.push(fd);
    outputs.dump = (frame, step) => {
      if (append && step === resumeStep) return;
      writeSync(fd, formatLammpsDump({ step, atoms: frame, species }));
    };
  }
  return outputs;
}

/** A progress bar with rate and time left on a terminal; null when stderr is not one. */
function progressBar(steps: number): cliProgress.SingleBar | null {
  if (process.stderr.isTTY !== true) return null;
  return new cliProgress.SingleBar(
    { format: "md |{bar}| {percentage}% {value}/{total} steps | {rate} steps/s | ETA {eta_formatted}", stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

function loadStructure(opts: MdFlags, elements: string[]): Atoms {
  if (opts.input && opts.lattice) throw new InputError("give either --input or --lattice, not both");
  if (opts.input) return readStructureFile(opts.input, speciesOption(opts.species))[0];
  if (opts.lattice) {
    const a = numberOption("--a", opts.a, { positive: true });
    if (a === undefined) throw new InputError("--lattice needs --a (lattice constant, A)");
    const repeat = numberOption("--repeat", opts.repeat, { integer: true, min: 1 })!;
    return bulk(opts.element ?? elements[0], opts.lattice as CubicStructure, a, repeat);
  }
  throw new InputError("md needs a structure: --input FILE or --lattice fcc --a 3.615 --repeat 10 (or --restart FILE)");
}

function resolveThermostat(opts: MdFlags, given: (f: string) => boolean, restart: RestartData | null): ThermostatSpec {
  const kind = opts.thermostat ?? restart?.thermostat.kind ?? "none";
  if (!THERMOSTATS.includes(kind)) throw new InputError(`--thermostat must be one of ${THERMOSTATS.join(", ")}, got '${kind}'`);
  if (kind === "none") return { kind: "none" };
  // Resuming with the same thermostat keeps its settings unless a flag changes them.
  const prev = restart?.thermostat.kind === kind ? (restart.thermostat as ThermostatSpec & { kind: "langevin" | "nose-hoover" }) : null;
  const temperature = given("targetTemperature")
    ? numberOption("--target-temperature", opts.targetTemperature, { min: 0 })!
    : prev?.temperature ?? numberOption("--temperature", opts.temperature, { min: 0 })!;
  const tdamp = given("tdamp") || !prev ? numberOption("--tdamp", opts.tdamp, { positive: true })! : prev.tdamp;
  if (kind === "langevin") {
    const p = prev as (ThermostatSpec & { kind: "langevin" }) | null;
    // the noise stream must not repeat the Maxwell-Boltzmann draw of the same seed
    const seed = given("seed") || !p ? numberOption("--seed", opts.seed, { integer: true })! + 1 : p.seed;
    return { kind: "langevin", temperature, tdamp, seed };
  }
  const p = prev as (ThermostatSpec & { kind: "nose-hoover" }) | null;
  const chain = given("chain") || !p ? numberOption("--chain", opts.chain, { integer: true, min: 1 })! : p.chain ?? 3;
  if (chain > 10) throw new InputError(`--chain must be at most 10, got ${chain}`);
  return { kind: "nose-hoover", temperature, tdamp, chain };
}

function resolveBarostat(opts: MdFlags, given: (f: string) => boolean, restart: RestartData | null): BarostatSpec {
  const kind = opts.barostat ?? restart?.barostat.kind ?? "none";
  if (!BAROSTATS.includes(kind)) throw new InputError(`--barostat must be one of ${BAROSTATS.join(", ")}, got '${kind}'`);
  if (kind === "none") return { kind: "none" };
  const prev = restart?.barostat.kind === "berendsen" ? restart.barostat : null;
  const pick = (name: keyof MdFlags, flag: string, o: { positive?: boolean }) => numberOption(flag, opts[name] as string, o)!;
  const pressure = given("pressure") || !prev ? pick("pressure", "--pressure", {}) : prev.pressure;
  const pdamp = given("pdamp") || !prev ? pick("pdamp", "--pdamp", { positive: true }) : prev.pdamp;
  const couple = given("couple") || !prev ? opts.couple : prev.couple;
  if (couple !== "iso" && couple !== "aniso") throw new InputError(`--couple must be iso or aniso, got '${couple}'`);
  const compressibility = opts.compressibility !== undefined
    ? numberOption("--compressibility", opts.compressibility, { positive: true })!
    : prev?.compressibility;
  return { kind: "berendsen", pressure, pdamp, couple, compressibility };
}

/** Thermostat, barostat, restarts, dumps and logs on the generic driver. */
export async function runGenericMd(opts: MdFlags, given: (flag: string) => boolean): Promise<void> {
  const restart = opts.restart !== undefined ? readRestartFile(opts.restart) : null;
  if (restart && (opts.input !== undefined || opts.lattice !== undefined)) {
    throw new InputError("--restart FILE holds the structure and velocities: give no --input or --lattice with it");
  }
  const thermostat = resolveThermostat(opts, given, restart);
  const barostat = resolveBarostat(opts, given, restart);
  checkUnusedFlags(opts, given, thermostat.kind, barostat.kind);
  const steps = numberOption("--steps", opts.steps, { integer: true, min: 0 })!;
  const dt = restart && !given("dt") ? restart.dt : numberOption("--dt", opts.dt, { positive: true })!;
  numberOption("--skin", opts.skin, { min: 0 });
  const thermoEvery = numberOption("--thermo", opts.thermo, { integer: true, min: 1 }) ?? Math.max(1, Math.floor(steps / 10));
  const every = numberOption("--every", opts.every, { integer: true, min: 1 })!;
  const dumpEvery = numberOption("--dump-every", opts.dumpEvery, { integer: true, min: 1 })!;
  const restartEvery = numberOption("--restart-every", opts.restartEvery, { integer: true, min: 1 }) ?? 0;
  const loaded = await loadCalculator(opts, "md");

  let md: MolecularDynamics;
  if (restart) {
    md = MolecularDynamics.fromRestart(loaded.calculator, restart, { dt, thermostat, barostat });
  } else {
    const atoms = loadStructure(opts, loaded.elements);
    const temperature = numberOption("--temperature", opts.temperature, { min: 0 })!;
    const seed = numberOption("--seed", opts.seed, { integer: true })!;
    if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
    md = new MolecularDynamics(loaded.calculator, atoms, { dt, thermostat, barostat });
  }
  md.description = loaded.description;
  const atoms = md.atoms;
  const ect = loaded.model !== undefined;
  const start = md.step;
  const resumeStep = restart ? start : false;

  const out = process.stdout;
  out.write(`# ${atoms.length} atoms, ${loaded.description}, ${describe(thermostat, barostat)}, dt ${dt} fs, ${steps} steps${restart ? ` from step ${start} of ${opts.restart}` : ""}\n`);
  const table = thermoTable(loaded, barostat.kind === "none");
  out.write(table.header + "\n");
  const outputs = openOutputs(opts, { periodic: atoms.pbc.some((p) => p), ect, charges: ect }, resumeStep, loaded.elements);
  const trajAppend = restart !== null && opts.trajectory !== undefined && existsSync(opts.trajectory);
  const traj = opts.trajectory !== undefined ? openSync(opts.trajectory, trajAppend ? "a" : "w") : null;
  const bar = progressBar(steps);
  const t0 = performance.now();
  bar?.start(steps, 0, { rate: "-" });
  let iterations = 0;
  try {
    const summary = md.run(steps, {
      thermoEvery,
      onThermo: (row) => {
        bar?.stop();
        out.write(table.line(row) + "\n");
        outputs.log?.(row);
        if (bar && row.step - start < steps) bar.start(steps, row.step - start, { rate: "-" });
      },
      frameEvery: gcdSteps(traj !== null ? every : 0, outputs.dump ? dumpEvery : 0),
      onFrame: (m) => {
        const frame = m.snapshot();
        if (traj !== null && m.step % every === 0 && !(trajAppend && m.step === start)) writeSync(traj, formatExtxyz(frame));
        if (m.step % dumpEvery === 0) outputs.dump?.(frame, m.step);
      },
      restartEvery,
      onRestart: opts.writeRestart !== undefined ? (data) => writeRestartFile(opts.writeRestart!, data) : undefined,
      onProgress: (done) => {
        iterations += (md.results as { iterations?: number } | null)?.iterations ?? 0;
        bar?.update(done, { rate: (done / ((performance.now() - t0) / 1000)).toFixed(0) });
      },
      progressEvery: 1,
    });
    bar?.stop();
    const solver = ect ? `, ${(iterations / Math.max(1, steps)).toFixed(2)} solver iterations per step on average` : "";
    out.write(`# speed: ${summary.usPerAtomStep.toFixed(3)} us/atom-step (${summary.seconds.toFixed(3)} s for ${steps} steps of ${atoms.length} atoms)${solver}\n`);
    if (opts.writeRestart !== undefined) out.write(`# restart at step ${md.step} written to ${opts.writeRestart}\n`);
  } finally {
    bar?.stop();
    if (traj !== null) closeSync(traj);
    outputs.close();
  }
}

function describe(t: ThermostatSpec, b: BarostatSpec): string {
  const parts: string[] = [];
  if (t.kind === "none") parts.push("NVE");
  else if (t.kind === "langevin") parts.push(`Langevin ${t.temperature} K, tdamp ${t.tdamp} fs, seed ${t.seed}`);
  else parts.push(`Nose-Hoover chain of ${t.chain} at ${t.temperature} K, tdamp ${t.tdamp} fs`);
  if (b.kind === "berendsen") parts.push(`Berendsen ${b.couple} ${b.pressure} bar, pdamp ${b.pdamp} fs`);
  return parts.join(" + ");
}

/** The stdout table: the EAM columns of the NVE path plus the conserved quantity, or ECT-EAM's. */
function thermoTable(loaded: LoadedCalculator, conserved: boolean): { header: string; line: (r: DynamicsThermo) => string } {
  const w = (s: string) => s.padStart(16);
  const f = (v: number | null, d: number) => w(v === null ? "-" : v.toFixed(d));
  if (loaded.model === undefined) {
    return {
      header: thermoHeader() + " " + w(conserved ? "Conserved(eV)" : "Volume(A^3)"),
      line: (r) => thermoLine(r) + " " + (conserved ? f(r.conserved, 6) : f(r.volume, 3)),
    };
  }
  const cols = ["Step", "Temp(K)", "E(eV)", "Omega(eV)", "KinEng(eV)", "Omega+KE(eV)", "Conserved(eV)", "TotCharge(e)", "Iters"];
  return {
    header: cols.map((c, i) => c.padStart(i === 0 ? 8 : 15)).join(" "),
    line: (r) =>
      [String(r.step).padStart(8), r.temperature.toFixed(3).padStart(15), r.potential.toFixed(6).padStart(15), (r.omega ?? 0).toFixed(6).padStart(15),
        r.kinetic.toFixed(6).padStart(15), ((r.omega ?? r.potential) + r.kinetic).toFixed(6).padStart(15),
        (r.conserved === null ? "-" : r.conserved.toFixed(6)).padStart(15), (r.totalCharge ?? 0).toExponential(3).padStart(15),
        String(r.solverIterations ?? "-").padStart(15)].join(" "),
  };
}
