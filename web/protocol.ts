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
  | { kind: "extxyz"; text: string; name: string };

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
  /** Texts of Cu_u3.eam and ect-starter.json. */
  potentialText: string;
  modelText: string;
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
