/**
 * The thermo rows of every MD path, computed in one place so that the CLI table, the thermo log,
 * the page and the domain-decomposed run print the same quantities the same way:
 * - `dynamicsThermo`: `MolecularDynamics` (every model and ensemble), from the structure and the
 *   last evaluation;
 * - `engineThermoRow`: NVE rows from sums a wasm engine (or the domains' engines) keep, without
 *   per-atom arrays: `VelocityVerlet` and `DomainMd`;
 * - `asDynamicsThermo`: such a row with the columns NVE EAM lacks set to null, for the one table
 *   formatter (src/cli/md-table.ts) and the thermo log (src/io/thermo-log.ts);
 * - `engineThermo`: a full row from engine sums and what the engines report besides (thermostat
 *   energy, charge range, solver loops): the domain-decomposed run (`DomainMd.thermo`).
 * Units: step count, fs, K, eV, bar, A^3, e.
 */
import type { Atoms } from "../atoms.js";
import type { CalculatorResults } from "../calculators/protocol.js";
import { forceEnergy } from "../calculators/protocol.js";
import { EV_PER_A3_TO_BAR, pressureTensor } from "./barostat.js";
import { kineticEnergy, temperatureOf } from "./velocities.js";

/** One line of the thermo table. */
export interface ThermoRow {
  step: number;
  /** Simulated time, fs. */
  time: number;
  /** Instantaneous temperature, K (3N-3 degrees of freedom). */
  temperature: number;
  /** Potential, kinetic and total energy, eV. */
  potential: number;
  kinetic: number;
  total: number;
  /** Pressure including the kinetic term, bar (LAMMPS sign: positive = compressed); null for clusters. */
  pressure: number | null;
}

/** A thermo row with what the generic driver knows beyond NVE (null where it does not exist). */
export interface DynamicsThermo extends ThermoRow {
  /** Cell volume, A^3 (null for a cluster). */
  volume: number | null;
  /** ECT-EAM grand potential Omega, eV (null for other models). */
  omega: number | null;
  /**
   * The quantity the integrator conserves, eV: Omega (or E) + kinetic + thermostat reservoir
   * (Langevin: energy given to the bath; Nose-Hoover: chain energy). Null with a Berendsen barostat,
   * which conserves nothing.
   */
  conserved: number | null;
  /** Sum, smallest and largest charge, e (variable-charge models). */
  totalCharge: number | null;
  chargeMin: number | null;
  chargeMax: number | null;
  /** Weight/charge solver iterations of the last evaluation (ECT-EAM). */
  solverIterations: number | null;
}

/** Solver iterations of an evaluation (ECT-EAM `iterations`, Streitz `qeqIterations`), or null. */
export function solverIterations(r: CalculatorResults): number | null {
  const o = r as { iterations?: unknown; qeqIterations?: unknown };
  const v = o.iterations ?? o.qeqIterations;
  return typeof v === "number" ? v : null;
}

/**
 * The row of `MolecularDynamics` at `step` (time in fs) from the structure (velocities A/fs, masses
 * amu, cell A) and the evaluation at its positions. `reservoir` is the thermostat's extended energy
 * (eV) added to the conserved quantity, or null when nothing is conserved (a barostat).
 */
export function dynamicsThermo(step: number, time: number, a: Atoms, r: CalculatorResults, reservoir: number | null): DynamicsThermo {
  const kinetic = kineticEnergy(a.velocities!, a.masses);
  const periodic = a.pbc.some((p) => p) && a.volume() > 0;
  const volume = periodic ? a.volume() : null;
  let pressure: number | null = null;
  if (volume !== null) {
    const p = pressureTensor(a.velocities!, a.masses, r.virial, volume);
    pressure = (p[0] + p[4] + p[8]) / 3;
  }
  const q = r.charges;
  let qs: number | null = null, qmin: number | null = null, qmax: number | null = null;
  if (q && q.length > 0) {
    qs = 0;
    qmin = Infinity;
    qmax = -Infinity;
    for (const c of q) {
      qs += c;
      qmin = Math.min(qmin, c);
      qmax = Math.max(qmax, c);
    }
  }
  return {
    step,
    time,
    temperature: temperatureOf(kinetic, a.length),
    potential: r.energy,
    kinetic,
    total: r.energy + kinetic,
    pressure,
    volume,
    omega: r.grandPotential ?? null,
    conserved: reservoir === null ? null : forceEnergy(r) + kinetic + reservoir,
    totalCharge: qs,
    chargeMin: qmin,
    chargeMax: qmax,
    solverIterations: solverIterations(r),
  };
}

/** What `engineThermoRow` needs: totals an engine (or a set of domain engines) keeps. */
export interface EngineSums {
  step: number;
  /** Simulated time, fs. */
  time: number;
  /** Atoms (for the degrees of freedom). */
  n: number;
  /** Potential and kinetic energy, eV. */
  potential: number;
  kinetic: number;
  /** Virial W_ab = sum r_a f_b, eV, 3x3 row-major (only the trace is used). */
  virial: ArrayLike<number>;
  /** The cell the pressure refers to: none when no direction is periodic. */
  cell: Pick<Atoms, "pbc" | "volume">;
}

/**
 * An NVE row from engine totals, P = (2 KE/3 + tr W/3) / V in bar (LAMMPS' virial pressure), null
 * for clusters. The kinetic energy is the engine's own sum, so rows of runs that never copy the
 * velocities out of wasm (VelocityVerlet, domain workers) cost O(1) on the calling thread.
 */
export function engineThermoRow(s: EngineSums): ThermoRow {
  const { kinetic, potential, virial: w } = s;
  const volume = s.cell.pbc.some((p) => p) ? s.cell.volume() : 0;
  const pressure = volume > 0 ? (((2 * kinetic) / 3 + (w[0] + w[4] + w[8]) / 3) / volume) * EV_PER_A3_TO_BAR : null;
  return { step: s.step, time: s.time, temperature: temperatureOf(kinetic, s.n), potential, kinetic, total: potential + kinetic, pressure };
}

/** An NVE EAM row as a `DynamicsThermo`: the columns it does not have are null (shown as "-"). */
export function asDynamicsThermo(row: ThermoRow): DynamicsThermo {
  return { ...row, volume: null, omega: null, conserved: null, totalCharge: null, chargeMin: null, chargeMax: null, solverIterations: null };
}

/** What a row from engine sums may add beyond NVE EAM; an absent one is null in the row. */
export interface EngineExtras {
  /** Thermostat energy, eV (0 without one): the conserved quantity is potential + kinetic + this. */
  reservoir?: number;
  /** Smallest and largest charge, e (variable-charge models). */
  charges?: { min: number; max: number } | null;
  /** Solver iterations of the last evaluation (Streitz-Mintmire: the mean of the two CG solves' loops). */
  solverIterations?: number | null;
}

/**
 * A `DynamicsThermo` row from engine totals (see `engineThermoRow`) and extras: what the
 * domain-decomposed run reports, in the row type the driver's rows have, for the same table and log.
 */
export function engineThermo(s: EngineSums, x: EngineExtras = {}): DynamicsThermo {
  const row = engineThermoRow(s);
  return {
    ...asDynamicsThermo(row),
    conserved: x.reservoir === undefined ? null : row.total + x.reservoir,
    chargeMin: x.charges ? x.charges.min : null,
    chargeMax: x.charges ? x.charges.max : null,
    solverIterations: x.solverIterations ?? null,
  };
}
