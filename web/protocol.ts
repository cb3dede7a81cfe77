// Messages between the page (main.ts, which only renders) and the MD worker (md.worker.ts, which
// computes). Everything here is structured-clone data; positions and charges travel as transferred
// Float64Arrays.
import type { BenchmarkReport } from "../src/benchmark/suite.js";

/** How the worker builds the starting structure. */
export type StructureSpec =
  /** A cubic crystal from `bulk(symbol, lattice, a, repeat)`. */
  | { kind: "bulk"; symbol: string; lattice: "fcc" | "bcc" | "sc" | "diamond"; a: number; repeat: number }
  /**
   * A dimer on the z axis, open boundaries: atom 0 at the origin, atom 1 at z = r0. It is pulled
   * apart: at every step atom 1's z grows by dz (atom 0 stays put) until z reaches rEnd.
   */
  | { kind: "dimer"; symbols: [string, string]; r0: number; dz: number; rEnd: number }
  /** The first frame of an extended XYZ file. */
  | { kind: "extxyz"; text: string; name: string }
  /** A LAMMPS data file (atom_style atomic or charge); `species` names atom types 1..n when its Masses section does not. */
  | { kind: "lammps-data"; text: string; name: string; species?: string[] };

/** The thermostats the page offers (src/dynamics/thermostats.ts). */
export type ThermostatKind = "none" | "langevin" | "nose-hoover";

/** The potential: an EAM table file (funcfl/setfl/fs, by file name) or an ECT-EAM model (JSON). */
export interface PotentialText {
  kind: "eam" | "ect";
  text: string;
  name: string;
}

/** Run settings (the form on the page). */
export interface RunSettings {
  /** Time step, fs (MD only). */
  dt: number;
  /** Initial temperature for Maxwell-Boltzmann velocities, K (MD only). */
  temperature: number;
  /** Seed of the velocity generator. */
  seed: number;
  /** Steps to run (pulled dimers: scan points); the run can be stopped earlier. */
  steps: number;
  /** A thermo row and a frame every this many steps. */
  frameEvery: number;
  /** Least wall time between frames, ms (0: as fast as the machine goes). */
  frameDelayMs: number;
  /** Use the velocities of the structure file when it has them instead of drawing new ones. */
  keepVelocities: boolean;
  /**
   * ECT-EAM: re-solve the weights from a cold start (annealed, lowest grand potential) at every
   * step instead of warm-starting from the previous step's weights.
   */
  groundState: boolean;
  /** NVT thermostat (MD only; "none": NVE), its target temperature (K) and damping time (fs). */
  thermostat: ThermostatKind;
  targetTemperature: number;
  tdamp: number;
  /**
   * Cores for an EAM NVE run: more than 1 runs it over that many Web Workers by spatial domain
   * decomposition (needs a cross-origin isolated page); other runs use one.
   */
  workers: number;
}

export interface StartMessage {
  type: "start";
  runId: number;
  structure: StructureSpec;
  potential: PotentialText;
  settings: RunSettings;
}

/** Runs the portable benchmark suite (src/benchmark/suite.ts) in the worker; stops any MD run first. */
export interface BenchmarkMessage {
  type: "benchmark";
  benchId: number;
  quick: boolean;
  /** Texts of Cu_u3.eam, ect-starter.json and ect-fitted.json. */
  potentialText: string;
  modelText: string;
  fittedModelText: string;
}

export type ToWorker = StartMessage | BenchmarkMessage | { type: "stop" } | { type: "ack" };

/** One thermo row: energies in eV, temperature in K. */
export interface ThermoRow {
  step: number;
  /** The plots' x value: time in fs, or the separation in A for a pulled dimer. */
  x: number;
  /** EAM: potential energy; ECT-EAM: the energy E. */
  potential: number;
  kinetic: number;
  /** EAM: potential + kinetic; ECT-EAM: Omega + kinetic (the conserved quantity of ECT MD). */
  total: number;
  temperature: number;
  /** ECT-EAM only: grand potential Omega = E - kT S. */
  omega?: number;
  /** ECT-EAM only: the charges plotted (see ReadyMessage.chargeLabels), e. */
  charges?: number[];
  /** ECT-EAM only: total charge, e. */
  totalCharge?: number;
  /** ECT-EAM only: weight-solver iterations of the last evaluation. */
  iterations?: number;
  /** With a thermostat: the conserved quantity (total + the energy the thermostat exchanged), eV. */
  conserved?: number;
}

export interface ReadyMessage {
  type: "ready";
  runId: number;
  kind: "eam" | "ect";
  /** "md" for molecular dynamics, "pull" for a pulled dimer. */
  mode: "md" | "pull";
  symbols: string[];
  /** Cell rows (9 numbers, A) and periodicity. */
  cell: number[];
  pbc: [boolean, boolean, boolean];
  /** Kernel build actually used ("simd" or "scalar"). */
  variant: string;
  /** Workers the run uses: 1, or the spatial domains of a run over several cores. */
  domains: number;
  /** Why fewer cores than asked are used ("" when none). */
  coresNote: string;
  /** Where the potential came from, and its elements. */
  source: string;
  elements: string[];
  /** Label of the plots' x axis. */
  xLabel: string;
  /** Labels of ThermoRow.charges. */
  chargeLabels: string[];
  /** Positions the camera should keep in view (a pulled dimer's end point included), N x 3. */
  viewPositions: number[];
  /** The settings in force (after defaults). */
  settings: RunSettings;
  /** Warnings about the potential or model (ECT-EAM physical-constraint checks). */
  warnings: string[];
  /** The velocities the run starts from (A/fs, N x 3). */
  initialVelocities: Float64Array;
}

export interface FrameMessage {
  type: "frame";
  runId: number;
  /** Thermo rows since the last frame message (none are dropped). */
  rows: ThermoRow[];
  step: number;
  /** Positions (A, N x 3) and, for ECT-EAM, charges (e) at `step`. */
  positions: Float64Array;
  charges: Float64Array | null;
  /**
   * Every chunk's state since the last frame message, this one's last (the trajectory: frames the
   * page was too busy to draw are not lost).
   */
  trajectory: { step: number; positions: Float64Array; charges: Float64Array | null }[];
  /** Wall time spent computing so far, ms. */
  computeMs: number;
}

export interface DoneMessage {
  type: "done";
  runId: number;
  step: number;
  reason: "finished" | "stopped";
  computeMs: number;
}

export interface ErrorMessage {
  type: "error";
  runId: number;
  message: string;
}

/** The benchmark's progress, its report (src/benchmark/suite.ts BenchmarkReport) or its failure. */
export type BenchmarkReply =
  | { type: "benchmark-progress"; benchId: number; message: string }
  | { type: "benchmark-done"; benchId: number; report: BenchmarkReport }
  | { type: "benchmark-error"; benchId: number; message: string };

export type FromWorker = ReadyMessage | FrameMessage | DoneMessage | ErrorMessage;
