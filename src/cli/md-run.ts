/**
 * `ect-eam md` for every model (EAM, ECT-EAM, Streitz-Mintmire) on one driver
 * (src/dynamics/driver.ts): NVE stays in the engine's wasm loop between outputs, thermostats and the
 * barostat step in TypeScript; dumps, logs, trajectories and restarts work the same way everywhere
 * and never change the thermo table or the loop a run takes. Output paths are checked before the
 * run starts and files appear only when it ends well (src/io/output-file.ts).
 */
import type { Atoms } from "../atoms.js";
import { MolecularDynamics, type DynamicsThermo } from "../dynamics/driver.js";
import type { BarostatSpec } from "../dynamics/barostat.js";
import type { RestartData } from "../dynamics/restart.js";
import { readRestartFile, writeRestartFile } from "../dynamics/restart-file.js";
import type { ThermostatSpec } from "../dynamics/thermostats.js";
import { maxwellBoltzmann } from "../dynamics/velocities.js";
import { InputError } from "../errors.js";
import { BOND_XL_DEFAULTS } from "../ect/transfer/bond-transfer.js";
import type { EctCalculator } from "../ect/calculator.js";
import { formatExtxyz } from "../io/extxyz.js";
import { formatLammpsDump } from "../io/lammps-dump.js";
import { checkOutputPaths, OutputStream } from "../io/output-file.js";
import { readStructureFile } from "../io/structure-file.js";
import { formatThermoHeader, formatThermoRow, thermoColumns, type ThermoLogContent } from "../io/thermo-log.js";
import { crystal, type CrystalStructure } from "../structures/lattice.js";
import type { StreitzCalculator } from "../streitz/calculator.js";
import { loadCalculator, type CalculatorFlags, type LoadedCalculator } from "./calculator-options.js";
import { numberOption, speciesOption } from "./common.js";
import { domainPotential, runDomainMd } from "./md-domain.js";
import { describeEnsemble, mdThermoTable } from "./md-table.js";
import { progressBar } from "./progress.js";
import { checkStructure } from "./sanity.js";
import { crystalElements } from "./structure-options.js";
import { stdout, stderr } from "./io.js";

/** The flags of `md`, as commander names them. */
export interface MdFlags extends CalculatorFlags {
  input?: string; lattice?: string; a?: string; repeat: string; element?: string;
  species?: string; steps: string; dt: string; temperature: string; seed: string;
  keepVelocities?: boolean; skin: string; neighEvery: string; neighDelay: string; thermo?: string;
  trajectory?: string; every: string; simd: string;
  thermostat?: string; targetTemperature?: string; tdamp: string; chain: string;
  barostat?: string; pressure: string; pdamp: string; couple: string; compressibility?: string;
  dump?: string; dumpEvery: string; log?: string; restart?: string; writeRestart?: string; restartEvery?: string;
  workers?: string; solver?: string;
}

/**
 * The bond-transfer solver of an MD run (`--solver`): extended-Lagrangian starts with a few
 * iterations per step (default), the same with one kernel evaluation per step (`shadow`), or every
 * step solved to the tolerance. Returns the header's note.
 */
function chooseBondSolver(loaded: LoadedCalculator, solver: string | undefined): string {
  const engine = loaded.kind === "ect" ? (loaded.calculator as EctCalculator).engine : null;
  if (!engine?.bond) {
    if (solver !== undefined) throw new InputError("--solver chooses the bond-transfer solver of ECT-EAM models with \"transfer\": \"bond\" (use --qeq-xl for Streitz-Mintmire)");
    return "";
  }
  if (solver === "exact") {
    engine.bondSolver.xl = null;
    return ", bond solver exact (every step to the tolerance)";
  }
  if (solver === "shadow") {
    engine.bondSolver.xl = { ...BOND_XL_DEFAULTS, method: "shadow" };
    return `, bond solver extended-Lagrangian shadow steps (order ${BOND_XL_DEFAULTS.order}, ${BOND_XL_DEFAULTS.iterations} frozen-mean-field products, one evaluation per step)`;
  }
  engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
  return `, bond solver extended-Lagrangian (order ${BOND_XL_DEFAULTS.order}, truncated Newton steps of ${BOND_XL_DEFAULTS.iterations} ${BOND_XL_DEFAULTS.method === "frozen" ? "frozen-mean-field " : ""}products)`;
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
  if (opts.trajectory === undefined) refuse("--every", "every", "--trajectory FILE");
}

/** Greatest common divisor of two intervals (0 means none), so one hook serves both. */
export function gcdSteps(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The trajectory, log and dump writers of a run. */
interface MdOutputs {
  log?: (row: DynamicsThermo) => void;
  dump?: (frame: Atoms, step: number) => void;
  trajectory?: (frame: Atoms, step: number) => void;
  /** Renames every file into place (the run ended well). */
  commit: () => void;
  /** Removes what was written (the run failed): old files stay as they were. */
  discard: () => void;
}

/**
 * Opens --log, --dump and --trajectory as temporary files. When `resumeStep` is a number (a resumed
 * run), existing files are continued (a log only when its header matches), skipping output at that
 * step, which the earlier run wrote.
 */
function openOutputs(opts: MdFlags, content: ThermoLogContent, resumeStep: number | false, species: string[]): MdOutputs {
  const streams: OutputStream[] = [];
  const open = (path: string, what: string, append: boolean) => {
    const s = OutputStream.open(path, { append, what });
    streams.push(s);
    return s;
  };
  const out: MdOutputs = {
    commit: () => streams.forEach((s) => s.commit()),
    discard: () => streams.forEach((s) => s.discard()),
  };
  const resumed = (step: number) => resumeStep !== false && step === resumeStep;
  try {
    if (opts.log !== undefined) {
      const cols = thermoColumns(content);
      const header = formatThermoHeader(cols);
      const s = OutputStream.peekFirstLine(opts.log) === header && resumeStep !== false ? open(opts.log, "--log", true) : open(opts.log, "--log", false);
      const appending = s.appended;
      if (!appending) s.write(header + "\n");
      out.log = (row) => {
        if (appending && resumed(row.step)) return;
        s.write(formatThermoRow(cols, row) + "\n");
      };
    }
    if (opts.dump !== undefined) {
      const s = open(opts.dump, "--dump", resumeStep !== false);
      out.dump = (frame, step) => {
        if (s.appended && resumed(step)) return;
        s.write(formatLammpsDump({ step, atoms: frame, species }));
      };
    }
    if (opts.trajectory !== undefined) {
      const s = open(opts.trajectory, "--trajectory", resumeStep !== false);
      out.trajectory = (frame, step) => {
        if (s.appended && resumed(step)) return;
        s.write(formatExtxyz(frame));
      };
    }
  } catch (err) {
    out.discard();
    throw err;
  }
  return out;
}

function loadStructure(opts: MdFlags, elements: string[]): Atoms {
  if (opts.input && opts.lattice) throw new InputError("give either --input or --lattice, not both");
  if (opts.input) return readStructureFile(opts.input, speciesOption(opts.species))[0];
  if (opts.lattice) {
    const a = numberOption("--a", opts.a, { positive: true });
    if (a === undefined) throw new InputError("--lattice needs --a (lattice constant, A)");
    const repeat = numberOption("--repeat", opts.repeat, { integer: true, min: 1 })!;
    const structure = opts.lattice as CrystalStructure;
    return crystal(crystalElements(opts.element, structure, elements), structure, a, repeat);
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

/** Runs `ect-eam md`: every option with every model, or a one-line refusal (exit 2). */
export async function runMd(opts: MdFlags, given: (flag: string) => boolean): Promise<void> {
  // Everything the flags say is checked before any file is read or any work is done.
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
  const neighborEvery = numberOption("--neigh-every", opts.neighEvery, { integer: true, min: 1 })!;
  const neighborDelay = numberOption("--neigh-delay", opts.neighDelay, { integer: true, min: 0 })!;
  const temperature = numberOption("--temperature", opts.temperature, { min: 0 })!;
  const seed = numberOption("--seed", opts.seed, { integer: true })!;
  const workers = numberOption("--workers", opts.workers, { integer: true, min: 1 });
  checkOutputPaths([["--trajectory", opts.trajectory], ["--dump", opts.dump], ["--log", opts.log], ["--write-restart", opts.writeRestart]]);
  if (workers !== undefined && workers > 1) return runOnWorkers(opts, workers, { steps, dt, thermoEvery, neighborEvery, neighborDelay, temperature, seed, restart, thermostat, barostat });

  const loaded = await loadCalculator(opts, "md");
  const solverNote = chooseBondSolver(loaded, opts.solver);
  let md: MolecularDynamics;
  const options = { dt, thermostat, barostat, neighborEvery, neighborDelay };
  if (restart) {
    md = MolecularDynamics.fromRestart(loaded.calculator, restart, options);
  } else {
    const atoms = loadStructure(opts, loaded.elements);
    loaded.prepare(atoms);
    if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
    md = new MolecularDynamics(loaded.calculator, atoms, options);
    md.evaluate();
    checkStructure(loaded.calculator, opts.input ?? "lattice");
  }
  md.description = loaded.description + solverNote;
  const atoms = md.atoms;
  const start = md.step;

  const out = stdout();
  out.write(`# ${atoms.length} atoms, ${loaded.description}${streitzDetails(loaded)}${solverNote}, ${describeEnsemble(thermostat, barostat)}, dt ${dt} fs, ${steps} steps` +
    `${restart ? ` from step ${start} of ${opts.restart}` : ""}\n`);
  const table = mdThermoTable(loaded.kind, { thermostat: thermostat.kind !== "none", barostat: barostat.kind !== "none" });
  out.write(table.header + "\n");
  const content = { periodic: atoms.pbc.some((p) => p), ect: loaded.kind === "ect", charges: loaded.kind !== "eam", solver: loaded.kind !== "eam" };
  const outputs = openOutputs(opts, content, restart ? start : false, loaded.elements);
  const bar = progressBar("md", steps);
  const stats0 = md.stats;
  let first: DynamicsThermo | null = null;
  let last: DynamicsThermo | null = null;
  try {
    // Asynchronous: the run hands control back now and then, so Ctrl-C (main.ts) stops it.
    const summary = await md.runAsync(steps, {
      thermoEvery,
      onThermo: (row) => {
        first ??= row;
        last = row;
        bar.around(() => out.write(table.line(row) + "\n"));
        outputs.log?.(row);
      },
      frameEvery: gcdSteps(outputs.trajectory ? every : 0, outputs.dump ? dumpEvery : 0),
      onFrame: (m) => {
        const frame = m.snapshot();
        if (m.step % every === 0) outputs.trajectory?.(frame, m.step);
        if (m.step % dumpEvery === 0) outputs.dump?.(frame, m.step);
      },
      restartEvery,
      onRestart: opts.writeRestart !== undefined ? (data) => writeRestartFile(opts.writeRestart!, data) : undefined,
      // Without a bar no progress is reported: each report is a check point where the wasm loop stops.
      onProgress: bar.live ? (done) => bar.update(done) : undefined,
    });
    bar.stop();
    outputs.commit();
    const stats = md.stats;
    const solves = stats.solves - stats0.solves;
    const solver = loaded.kind === "eam" || solves === 0 ? "" : `, ${((stats.solverIterations - stats0.solverIterations) / solves).toFixed(2)} ${loaded.kind === "ect" ? "weight-solver" : "QEq CG"} iterations per evaluation on average`;
    out.write(`# speed: ${summary.usPerAtomStep.toFixed(3)} us/atom-step (${summary.seconds.toFixed(3)} s for ${steps} steps of ${atoms.length} atoms; ${summary.wallSeconds.toFixed(3)} s with the outputs), ` +
      `${stats.neighborBuilds - stats0.neighborBuilds} neighbor builds, ${stats.dangerousBuilds - stats0.dangerousBuilds} dangerous${solver}\n`);
    out.write(driftLine(first, last, atoms.length, steps, loaded, thermostat.kind !== "none"));
    if (opts.writeRestart !== undefined) out.write(`# restart at step ${md.step} written to ${opts.writeRestart}\n`);
    offTableWarning(loaded);
  } catch (err) {
    bar.stop();
    outputs.discard();
    throw err;
  }
}

/** The change of the conserved quantity over the run, per atom. */
function driftLine(first: DynamicsThermo | null, last: DynamicsThermo | null, n: number, steps: number, loaded: LoadedCalculator, thermostat: boolean): string {
  if (first === null || last === null || first.conserved === null || last.conserved === null) return "";
  const d = last.conserved - first.conserved;
  const parts = [loaded.kind === "ect" ? "Omega + kinetic" : "total energy", ...(thermostat ? ["the thermostat's exchange"] : [])];
  const what = `the conserved energy (${parts.join(" + ")})`;
  const streitz = loaded.kind === "streitz" ? (loaded.calculator as StreitzCalculator).mode : "";
  const note = streitz === "lammps" ? "; lammps mode forces are not the gradient of its energy: use --streitz-mode consistent for NVE conservation" : "";
  return `# drift: ${(d / n).toExponential(3)} eV/atom in ${what} over ${steps} steps (${d.toExponential(3)} eV)${note}\n`;
}

function streitzDetails(loaded: LoadedCalculator): string {
  if (loaded.kind !== "streitz") return "";
  const calc = loaded.calculator as StreitzCalculator;
  const ew = calc.engine.ewaldSettings();
  const s = calc.settings;
  return (ew ? `, Ewald g ${ew.g.toPrecision(6)} 1/A kmax ${ew.kmax.join(" ")} (${ew.kcount} k-vectors)` : `, Wolf alpha ${s.wolfAlpha} 1/A`) +
    `, QEq every step to ${s.qeqTolerance.toExponential()}`;
}

function offTableWarning(loaded: LoadedCalculator): void {
  const e = (loaded.calculator as { engine?: { offTableCount?: () => number } }).engine;
  const off = typeof e?.offTableCount === "function" ? e.offTableCount() : 0;
  if (loaded.kind === "eam" && off > 0) {
    stderr().write(`warning: ${off} atom(s) above the embedding table's rhomax at the end (F continued linearly)\n`);
  }
}

/** `--workers N`: EAM or Streitz-Mintmire over N worker threads (domain decomposition), thermo table only. */
async function runOnWorkers(
  opts: MdFlags,
  workers: number,
  o: { steps: number; dt: number; thermoEvery: number; neighborEvery: number; neighborDelay: number; temperature: number; seed: number; restart: RestartData | null; thermostat: ThermostatSpec; barostat: BarostatSpec },
): Promise<void> {
  if (opts.model !== undefined || opts.potential === undefined) {
    throw new InputError("--workers runs EAM (--potential FILE) or Streitz-Mintmire (--potential FILE --streitz FILE), not ECT-EAM (--model) yet");
  }
  if (o.barostat.kind !== "none" || o.restart !== null || opts.writeRestart !== undefined) {
    throw new InputError("--workers runs without a barostat or restarts (no --barostat, --restart or --write-restart)");
  }
  if (opts.trajectory !== undefined || opts.dump !== undefined || opts.log !== undefined) {
    throw new InputError("--workers prints the thermo table only (no --trajectory, --dump or --log yet)");
  }
  const loaded = await loadCalculator(opts, "md");
  const atoms = loadStructure(opts, loaded.elements);
  loaded.prepare(atoms);
  const potential = domainPotential({ potential: opts.potential, streitz: opts.streitz }, loaded, atoms);
  if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, o.temperature, o.seed);
  const skin = numberOption("--skin", opts.skin, { min: 0 })!;
  return runDomainMd(potential, atoms, loaded.description, {
    workers, steps: o.steps, dt: o.dt, skin, neighEvery: o.neighborEvery, neighDelay: o.neighborDelay, thermoEvery: o.thermoEvery,
    simd: opts.simd !== "off", thermostat: o.thermostat,
  });
}
