// The MD worker of the demo page (a module Web Worker): builds the structure and the engine, runs
// the dynamics (or the dimer pull) in chunks of `frameEvery` steps and posts a frame after each
// chunk. MD runs on MolecularDynamics (src/dynamics/driver.ts), the CLI's driver: NVE in the
// engine's wasm loop, thermostats step by step; an EAM NVE run on several cores runs over spatial
// domains (createDomainMd, nested Web Workers). The page only renders; it acknowledges each frame after drawing it, and while it is busy
// the worker goes on computing and collects the thermo rows for the next frame (none is dropped).
// Between chunks the worker yields to its event loop, so "stop" and "ack" messages get through.
import {
  Atoms,
  EamCalculator,
  EctCalculator,
  EctEngine,
  MolecularDynamics,
  buildEctTables,
  bulk,
  createDomainMd,
  loadKernelModule,
  maxwellBoltzmann,
  parseEamPotential,
  parseEctModelText,
  parseExtxyz,
  parseLammpsData,
  temperatureOf,
  type DomainMd,
  type KernelVariant,
} from "../src/core.js";
import { runBenchmarkSuite } from "../src/benchmark/suite.js";
import type { BenchmarkMessage, BenchmarkReply, FromWorker, RunSettings, StartMessage, ThermoRow, ToWorker } from "./protocol.js";

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

function post(message: FromWorker | BenchmarkReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** What a run needs from an engine, EAM or ECT-EAM. */
interface Simulation {
  kind: "eam" | "ect";
  mode: "md" | "pull";
  /** Kernel build, potential source and elements (for the page). */
  variant: string;
  source: string;
  elements: string[];
  /** Workers in use (spatial domains), and why fewer than asked. */
  domains: number;
  coresNote: string;
  atoms: Atoms;
  xLabel: string;
  chargeLabels: string[];
  viewPositions: number[];
  warnings: string[];
  /** Advances `steps` steps (MD steps or pull points). */
  advance(steps: number): void | Promise<void>;
  /** The thermo row of the current state, `step` steps into the run. */
  row(step: number): ThermoRow;
  positions(): Float64Array | Promise<Float64Array>;
  charges(): Float64Array | null;
  /** Frees what the run holds (domain workers). */
  close(): Promise<void>;
}

/** Most atoms whose charges are plotted one by one; above it, the smallest and largest. */
const MAX_CHARGE_SERIES = 8;

let variant: KernelVariant | null = null;

/** The SIMD kernels where the browser runs them (all current ones do), else the scalar build. */
async function kernels(): Promise<{ variant: KernelVariant; module: WebAssembly.Module }> {
  if (!variant) {
    try {
      await loadKernelModule("simd");
      variant = "simd";
    } catch {
      variant = "scalar";
    }
  }
  return { variant, module: await loadKernelModule(variant) };
}

function buildStructure(msg: StartMessage): Atoms {
  const s = msg.structure;
  if (s.kind === "bulk") return bulk(s.symbol, s.lattice, s.a, s.repeat);
  if (s.kind === "dimer") return new Atoms({ symbols: [...s.symbols], positions: [0, 0, 0, 0, 0, s.r0] });
  if (s.kind === "lammps-data") return parseLammpsData(s.text, { fileName: s.name, species: s.species });
  const frames = parseExtxyz(s.text, s.name);
  if (frames.length === 0) throw new Error(`${s.name}: no frames`);
  return frames[0];
}

/** Domains for an EAM NVE run on `workers` cores: the count, or 1 and the reason. */
function domainCount(msg: StartMessage): { domains: number; note: string } {
  const want = msg.settings.workers;
  if (!(want > 1)) return { domains: 1, note: "" };
  if (msg.potential.kind !== "eam" || msg.structure.kind === "dimer" || msg.settings.thermostat !== "none") {
    return { domains: 1, note: "several cores run EAM NVE only: this run uses one" };
  }
  if (!(self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
    return { domains: 1, note: "several cores need a cross-origin isolated page (COOP/COEP headers; npm run demo sends them): this run uses one" };
  }
  return { domains: want, note: "" };
}

async function createSimulation(msg: StartMessage): Promise<Simulation> {
  const { settings } = msg;
  const atoms = buildStructure(msg);
  const pull = msg.structure.kind === "dimer" ? msg.structure : null;
  if (pull) atoms.velocities = new Float64Array(3 * atoms.length);
  else if (!(settings.keepVelocities && atoms.velocities)) atoms.velocities = maxwellBoltzmann(atoms.masses, settings.temperature, settings.seed);
  const { variant, module } = await kernels();
  const cores = domainCount(msg);
  if (pull) return pullSimulation(msg, atoms, pull, module, variant, cores.note);
  if (cores.domains > 1) return domainSimulation(msg, atoms, module, variant, cores.domains);
  return dynamicsSimulation(msg, atoms, module, variant, cores.note);
}

/** The calculator of the run's potential (EAM) or model (ECT-EAM), and the model's warnings. */
async function makeCalculator(msg: StartMessage, module: WebAssembly.Module, variant: KernelVariant): Promise<{ calc: EamCalculator | EctCalculator; warnings: string[] }> {
  const { potential } = msg;
  if (potential.kind === "eam") {
    return { calc: await EamCalculator.create(parseEamPotential(potential.text, { fileName: potential.name }), { module, variant }), warnings: [] };
  }
  const model = parseEctModelText(potential.text, potential.name);
  return { calc: await EctCalculator.create(buildEctTables(model), { module, variant, source: potential.name }), warnings: model.warnings };
}

/** The name errors about the structure quote: an extended XYZ file's, else none. */
function structureSource(msg: StartMessage): string {
  return msg.structure.kind === "extxyz" ? msg.structure.name : "structure";
}

/** The plotted charge series' labels: one per atom up to MAX_CHARGE_SERIES atoms, else the extremes. */
function chargeLabelsOf(atoms: Atoms, ect: boolean): string[] {
  return !ect ? [] : atoms.length <= MAX_CHARGE_SERIES ? atoms.symbols.map((s, i) => `q ${s}${i + 1}`) : ["min q", "max q"];
}

/**
 * A quasi-static pull of a dimer: atom 0 stays at the origin, atom 1 moves out along z by dz per
 * point, and the energy and weights are evaluated at every point (warm-started from the previous
 * point, or from a cold, annealed start for the ground state). A scan, not dynamics: it drives the
 * engine directly.
 */
async function pullSimulation(msg: StartMessage, atoms: Atoms, pull: StartMessage["structure"] & { kind: "dimer" }, module: WebAssembly.Module, variant: KernelVariant, note: string): Promise<Simulation> {
  const { settings } = msg;
  const { calc, warnings } = await makeCalculator(msg, module, variant);
  const engine = calc.engine;
  engine.setAtoms(atoms, structureSource(msg));
  const ect = engine instanceof EctEngine ? engine : null;
  const pos = Float64Array.from(atoms.positions);
  let done = 0;
  engine.compute();
  return {
    kind: ect ? "ect" : "eam",
    mode: "pull",
    variant: engine.variant,
    source: engine.source,
    elements: engine.elements.slice(),
    domains: 1,
    coresNote: note,
    atoms,
    xLabel: "separation R (Å)",
    chargeLabels: chargeLabelsOf(atoms, ect !== null),
    viewPositions: [0, 0, 0, 0, 0, pull.r0 + settings.steps * pull.dz],
    warnings,
    advance(steps) {
      for (let s = 0; s < steps; s++) {
        done++;
        pos[5] = pull.r0 + done * pull.dz;
        engine.setPositions(pos);
        if (ect && settings.groundState) ect.coldStart();
        engine.compute();
      }
    },
    row(step) {
      // At rest: the kinetic energy is zero; the total is the energy the forces derive from.
      const x = pos[5] - pos[2];
      const kinetic = engine.kineticEnergy();
      const temperature = temperatureOf(kinetic, atoms.length);
      if (!ect) return { step, x, potential: engine.energy(), kinetic, total: engine.energy() + kinetic, temperature };
      const omega = ect.grandPotential();
      const q = ect.charges();
      return {
        step, x, potential: ect.energy(), kinetic, total: omega + kinetic, temperature, omega,
        charges: chargeSeries(q), totalCharge: q.reduce((a, b) => a + b, 0), iterations: ect.solverReport().iterations,
      };
    },
    positions: () => engine.positions(),
    charges: () => (ect ? ect.charges() : null),
    close: async () => {},
  };
}

/** The charges plotted: every atom's up to MAX_CHARGE_SERIES atoms, else the smallest and largest. */
function chargeSeries(q: Float64Array): number[] {
  if (q.length <= MAX_CHARGE_SERIES) return Array.from(q);
  let lo = Infinity, hi = -Infinity;
  for (const v of q) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/**
 * MD on one core, EAM or ECT-EAM, NVE or with a Langevin or Nose-Hoover thermostat: the driver the
 * CLI runs (MolecularDynamics, src/dynamics/driver.ts), so the page repeats a Node run with the same
 * structure, velocities, dt and output interval bit for bit. NVE stays in the engine's wasm loop
 * between frames; the ECT-EAM "ground state" mode cold-starts the weight solver before every step.
 */
async function dynamicsSimulation(msg: StartMessage, atoms: Atoms, module: WebAssembly.Module, variant: KernelVariant, note: string): Promise<Simulation> {
  const { settings, potential } = msg;
  const { calc, warnings } = await makeCalculator(msg, module, variant);
  const ect = potential.kind === "ect";
  // Loads the structure once under its own name, so that a species the potential lacks is reported
  // against the file; the driver's first evaluation then only sets the same positions again.
  calc.engine.setAtoms(atoms, structureSource(msg));
  const t = settings.thermostat;
  const thermostat =
    t === "none"
      ? undefined
      : t === "langevin"
        ? ({ kind: "langevin", temperature: settings.targetTemperature, tdamp: settings.tdamp, seed: settings.seed + 1 } as const)
        : ({ kind: "nose-hoover", temperature: settings.targetTemperature, tdamp: settings.tdamp, chain: 3 } as const);
  // The ground state every step is an NVE mode of the engine's loop; thermostat runs follow the state.
  const md = new MolecularDynamics(calc, atoms, { dt: settings.dt, thermostat, coldStartEachStep: ect && settings.groundState && !thermostat });
  let latest = md.thermo();
  return {
    kind: ect ? "ect" : "eam",
    mode: "md",
    variant: calc.engine.variant,
    source: calc.engine.source,
    elements: calc.engine.elements.slice(),
    domains: 1,
    coresNote: note,
    atoms,
    xLabel: "time (fs)",
    chargeLabels: chargeLabelsOf(atoms, ect),
    viewPositions: Array.from(atoms.positions),
    warnings,
    advance(steps) {
      // The row at the end comes with the run (its last thermo row), not from a second evaluation.
      md.run(steps, { onThermo: (r) => (latest = r) });
    },
    row(step) {
      const r = latest;
      const base: ThermoRow = {
        step, x: r.time, potential: r.potential, kinetic: r.kinetic, total: (r.omega ?? r.potential) + r.kinetic, temperature: r.temperature,
        ...(thermostat ? { conserved: r.conserved ?? undefined } : {}),
      };
      const q = md.results?.charges;
      if (!ect || !q) return base;
      return { ...base, omega: r.omega ?? undefined, charges: chargeSeries(q), totalCharge: r.totalCharge ?? 0, iterations: r.solverIterations ?? undefined };
    },
    positions: () => Float64Array.from(md.atoms.positions),
    charges: () => (md.results?.charges ? Float64Array.from(md.results.charges) : null),
    close: async () => {},
  };
}

/** EAM NVE over `domains` Web Workers by spatial domain decomposition (src/domain). */
async function domainSimulation(msg: StartMessage, atoms: Atoms, module: WebAssembly.Module, variant: KernelVariant, domains: number): Promise<Simulation> {
  const { settings, potential } = msg;
  const warnings: string[] = [];
  const md: DomainMd = await createDomainMd({
    potential: { kind: "eam", text: potential.text, fileName: potential.name },
    atoms,
    dt: settings.dt,
    workers: domains,
    variant,
    module,
    workerUrl: new URL("./domain-worker.js", import.meta.url),
    onWarning: (m) => warnings.push(m),
  });
  const pot = parseEamPotential(potential.text, { fileName: potential.name });
  let positions = Float64Array.from(atoms.positions);
  return {
    kind: "eam",
    mode: "md",
    variant,
    source: pot.source,
    elements: pot.elements.slice(),
    domains: md.domains,
    coresNote: md.limitedBy,
    atoms,
    xLabel: "time (fs)",
    chargeLabels: [],
    viewPositions: Array.from(atoms.positions),
    warnings,
    async advance(steps) {
      await md.run(steps);
      positions = Float64Array.from((await md.state()).positions);
    },
    row(step) {
      const r = md.thermo();
      return { step, x: step * settings.dt, potential: r.potential, kinetic: r.kinetic, total: r.total, temperature: r.temperature };
    },
    positions: () => Float64Array.from(positions),
    charges: () => null,
    close: () => md.close(),
  };
}

// ------------------------------------------------------------------------------------------------
// Run loop

let queue: Promise<void> = Promise.resolve();
let current: { runId: number; stop: boolean } | null = null;
let acked = true;

scope.onmessage = (event: MessageEvent) => {
  const msg = event.data as ToWorker;
  if (msg.type === "start") {
    if (current) current.stop = true;
    queue = queue.then(() => run(msg));
  } else if (msg.type === "benchmark") {
    if (current) current.stop = true;
    queue = queue.then(() => benchmark(msg));
  } else if (msg.type === "stop") {
    if (current) current.stop = true;
  } else if (msg.type === "ack") {
    acked = true;
  }
};

/** Lets queued messages in without the 4 ms clamp of nested setTimeout(0). */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkSettings(s: RunSettings, mode: "md" | "pull"): void {
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int(s.steps, "steps", 0);
  int(s.frameEvery, "frame interval", 1);
  int(s.seed, "seed", 0);
  int(s.workers, "cores", 1);
  if (mode === "md" && !(s.dt > 0 && Number.isFinite(s.dt))) throw new Error(`time step must be > 0 fs, got ${s.dt}`);
  if (s.thermostat !== "none" && mode === "md") {
    if (!(s.targetTemperature > 0 && Number.isFinite(s.targetTemperature))) throw new Error(`thermostat temperature must be > 0 K, got ${s.targetTemperature}`);
    if (!(s.tdamp > 0 && Number.isFinite(s.tdamp))) throw new Error(`thermostat damping time must be > 0 fs, got ${s.tdamp}`);
  }
  if (!(s.temperature >= 0 && Number.isFinite(s.temperature))) throw new Error(`temperature must be >= 0 K, got ${s.temperature}`);
}

async function run(msg: StartMessage): Promise<void> {
  const token = { runId: msg.runId, stop: false };
  current = token;
  let sim: Simulation | null = null;
  const { runId, settings } = msg;
  try {
    checkSettings(settings, msg.structure.kind === "dimer" ? "pull" : "md");
    let computeMs = 0;
    const t0 = performance.now();
    sim = await createSimulation(msg);
    computeMs += performance.now() - t0;
    post({
      type: "ready",
      runId,
      kind: sim.kind,
      mode: sim.mode,
      symbols: sim.atoms.symbols.slice(),
      cell: Array.from(sim.atoms.cell),
      pbc: [...sim.atoms.pbc],
      variant: sim.variant,
      domains: sim.domains,
      coresNote: sim.coresNote,
      source: sim.source,
      elements: sim.elements,
      xLabel: sim.xLabel,
      chargeLabels: sim.chargeLabels,
      viewPositions: sim.viewPositions,
      settings,
      warnings: sim.warnings,
      initialVelocities: Float64Array.from(sim.atoms.velocities ?? new Float64Array(3 * sim.atoms.length)),
    });
    const s = sim;
    let rows: ThermoRow[] = [s.row(0)];
    let trajectory: { step: number; positions: Float64Array; charges: Float64Array | null }[] = [];
    let step = 0;
    const record = async () => {
      trajectory.push({ step, positions: Float64Array.from(await s.positions()), charges: s.charges() });
    };
    const flush = async () => {
      const last = trajectory[trajectory.length - 1];
      const positions = Float64Array.from(last.positions);
      const charges = last.charges ? Float64Array.from(last.charges) : null;
      const transfer: Transferable[] = trajectory.flatMap((t) => (t.charges ? [t.positions.buffer, t.charges.buffer] : [t.positions.buffer]));
      post({ type: "frame", runId, rows, step, positions, charges, computeMs, trajectory }, transfer);
      rows = [];
      trajectory = [];
      acked = false;
    };
    acked = true;
    await record();
    await flush();
    while (step < settings.steps && !token.stop) {
      const c0 = performance.now();
      const k = Math.min(settings.frameEvery, settings.steps - step);
      await s.advance(k);
      step += k;
      rows.push(s.row(step));
      await record();
      computeMs += performance.now() - c0;
      if (acked || step === settings.steps) await flush();
      const wait = settings.frameDelayMs - (performance.now() - c0);
      await (wait > 0 ? sleep(wait) : yieldToEvents());
    }
    if (rows.length > 0) await flush();
    post({ type: "done", runId, step, reason: token.stop ? "stopped" : "finished", computeMs });
  } catch (err) {
    const e = err as Error;
    post({ type: "error", runId, message: e && e.message ? e.message : String(err) });
  } finally {
    await sim?.close().catch(() => undefined);
    if (current === token) current = null;
  }
}

/** The portable benchmark suite, here in the worker so that the page stays responsive. */
async function benchmark(msg: BenchmarkMessage): Promise<void> {
  const { benchId } = msg;
  try {
    const report = await runBenchmarkSuite({
      potentialText: msg.potentialText,
      modelText: msg.modelText,
      fittedModelText: msg.fittedModelText,
      quick: msg.quick,
      onProgress: (message) => post({ type: "benchmark-progress", benchId, message }),
    });
    post({ type: "benchmark-done", benchId, report });
  } catch (err) {
    const e = err as Error;
    post({ type: "benchmark-error", benchId, message: e && e.message ? e.message : String(err) });
  }
}
