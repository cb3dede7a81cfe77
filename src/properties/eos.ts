import { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import { drain, relaxSteps, type RelaxOptions } from "../optimize/index.js";
import { EV_PER_A3_IN_GPA } from "./units.js";

/**
 * Third-order Birch-Murnaghan fit: V0 (A^3), E0 (eV), B0 (eV/A^3), B0' (dimensionless), for the
 * whole cell that was scanned, and the root-mean-square residual of the fit (eV).
 */
export interface BirchMurnaghanFit {
  v0: number;
  e0: number;
  b0: number;
  b0Prime: number;
  rms: number;
}

/** Third-order Birch-Murnaghan energy at volume v (A^3) for fitted parameters (eV). */
export function birchMurnaghanEnergy(fit: Omit<BirchMurnaghanFit, "rms">, v: number): number {
  const x = Math.cbrt(fit.v0 / v) ** 2 - 1;
  return fit.e0 + (9 * fit.v0 * fit.b0 / 16) * (x ** 3 * fit.b0Prime + x ** 2 * (6 - 4 * (x + 1)));
}

/**
 * Least-squares third-order Birch-Murnaghan fit of energies (eV) at volumes (A^3). The BM3 energy is
 * exactly a cubic polynomial in x = V^(-2/3), and (E0, V0, B0, B0') map one to one onto its four
 * coefficients, so the linear least-squares cubic in x is the least-squares BM3 fit; the parameters
 * follow from its minimum and its second and third derivatives there.
 * @throws InputError with fewer than 5 points; CalculationFailed when the curve has no minimum.
 */
export function fitBirchMurnaghan(volumes: ArrayLike<number>, energies: ArrayLike<number>): BirchMurnaghanFit {
  const n = volumes.length;
  if (n !== energies.length) throw new InputError(`${n} volumes but ${energies.length} energies`);
  if (n < 5) throw new InputError(`a Birch-Murnaghan fit needs at least 5 points, got ${n}`);
  const xs = Array.from(volumes, (v) => {
    if (!(v > 0)) throw new InputError(`volumes must be positive, got ${v}`);
    return v ** (-2 / 3);
  });
  // Centered and scaled abscissa for a well-conditioned normal system.
  const xm = xs.reduce((s, x) => s + x, 0) / n;
  const xw = Math.max(...xs.map((x) => Math.abs(x - xm))) || 1;
  const ts = xs.map((x) => (x - xm) / xw);
  const c = leastSquaresCubic(ts, Array.from(energies));
  const p = (t: number) => c[0] + t * (c[1] + t * (c[2] + t * c[3]));
  const p2 = (t: number) => 2 * c[2] + 6 * t * c[3];
  // Stationary points of the cubic; the minimum has p'' > 0. Prefer the one nearest the data.
  const roots: number[] = [];
  if (Math.abs(c[3]) < 1e-14 * (Math.abs(c[2]) + Math.abs(c[1]))) {
    if (c[2] !== 0) roots.push(-c[1] / (2 * c[2]));
  } else {
    const disc = 4 * c[2] * c[2] - 12 * c[3] * c[1];
    if (disc >= 0) {
      const q = -0.5 * (2 * c[2] + Math.sign(c[2] || 1) * Math.sqrt(disc));
      roots.push(q / (3 * c[3]));
      if (q !== 0) roots.push(c[1] / q);
    }
  }
  const minima = roots.filter((t) => Number.isFinite(t) && p2(t) > 0 && xm + t * xw > 0);
  if (minima.length === 0) throw new CalculationFailed("the energy-volume curve has no minimum: widen or shift the scanned volume range");
  const t0 = minima.reduce((best, t) => (Math.abs(t) < Math.abs(best) ? t : best));
  const x0 = xm + t0 * xw;
  const v0 = x0 ** -1.5;
  const dx = (-2 / 3) * v0 ** (-5 / 3);
  const ddx = (10 / 9) * v0 ** (-8 / 3);
  const e2 = (p2(t0) / xw ** 2) * dx * dx;
  const e3 = ((6 * c[3]) / xw ** 3) * dx ** 3 + 3 * (p2(t0) / xw ** 2) * dx * ddx;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (p(ts[i]) - energies[i]) ** 2;
  return { v0, e0: p(t0), b0: v0 * e2, b0Prime: -(1 + (v0 * e3) / e2), rms: Math.sqrt(ss / n) };
}

/** Solves the 4x4 normal equations of a cubic least-squares fit (Gaussian elimination, partial pivoting). */
function leastSquaresCubic(t: number[], y: number[]): number[] {
  const a = Array.from({ length: 4 }, () => new Array<number>(5).fill(0));
  for (let k = 0; k < t.length; k++) {
    const pw = [1, t[k], t[k] ** 2, t[k] ** 3];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) a[i][j] += pw[i] * pw[j];
      a[i][4] += pw[i] * y[k];
    }
  }
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    if (Math.abs(a[col][col]) < 1e-300) throw new CalculationFailed("the equation-of-state fit is singular (too few distinct volumes)");
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const m = a[r][col] / a[col][col];
      for (let j = col; j < 5; j++) a[r][j] -= m * a[col][j];
    }
  }
  return a.map((row, i) => row[4] / a[i][i]);
}

/** Options of {@link equationOfState}. */
export interface EosOptions {
  /** Largest linear strain of the scan, +- (default 0.04: volumes from 0.885 to 1.125 V). */
  strain?: number;
  /** Number of volumes, odd so that the input volume is one of them (default 11). */
  points?: number;
  /** Relax atomic positions at each volume (needed for bases with free internal coordinates). */
  relax?: boolean;
  /** Optimizer settings when `relax` (default FIRE, fmax 1e-4 eV/A). */
  relaxOptions?: RelaxOptions;
  /**
   * Lattice constant of the input structure, A: the result then reports the equilibrium lattice
   * constant a0 = a (V0/V)^(1/3) (meaningful for cubic cells).
   */
  latticeConstant?: number;
  /** Called after each volume with the points done and the total (progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/** Equation of state of a periodic structure: scan, fit, derived quantities. */
export interface EosResult {
  /** Linear scale factors applied to the cell, volumes (A^3) and energies (eV, `forceEnergy`). */
  scales: number[];
  volumes: number[];
  energies: number[];
  fit: BirchMurnaghanFit;
  atoms: number;
  /** V0 per atom, A^3; E0 per atom, eV. */
  v0PerAtom: number;
  e0PerAtom: number;
  /** Bulk modulus, GPa. */
  b0GPa: number;
  /** Equilibrium linear scale (V0/V)^(1/3) of the input cell. */
  scale0: number;
  /** a0 in A, when `latticeConstant` was given. */
  a0?: number;
  /** Cohesive energy per atom, eV: (sum of isolated-atom energies - E0)/N (positive when bound). */
  cohesiveEnergy: number;
}

/**
 * Energy of one isolated atom of `symbol` (eV, `forceEnergy`): a single atom in an open box. It is
 * the zero of cohesive energies (0 for EAM potentials whose F(0) = 0).
 */
export function isolatedAtomEnergy(calculator: Calculator, symbol: string): number {
  const atom = new Atoms({ symbols: [symbol], positions: [0, 0, 0], pbc: [false, false, false] });
  return forceEnergy(calculator.calculate(atom));
}

/** Cohesive energy per atom at total energy e (eV): (sum of isolated-atom energies - e)/N. */
export function cohesiveEnergy(calculator: Calculator, symbols: readonly string[], e: number): number {
  const cache = new Map<string, number>();
  let free = 0;
  for (const s of symbols) {
    if (!cache.has(s)) cache.set(s, isolatedAtomEnergy(calculator, s));
    free += cache.get(s)!;
  }
  return (free - e) / symbols.length;
}

/** A copy of `atoms` with cell and positions scaled by s (fractional coordinates kept). */
export function scaled(atoms: Atoms, s: number): Atoms {
  const out = atoms.copy();
  for (let k = 0; k < 9; k++) out.cell[k] *= s;
  for (let k = 0; k < out.positions.length; k++) out.positions[k] *= s;
  return out;
}

/**
 * Energy-volume scan of a periodic structure by uniform scaling of cell and positions (linear strain
 * -strain..+strain in `points` steps), with a third-order Birch-Murnaghan fit. Energies are
 * `forceEnergy` (Omega for ECT-EAM). B0 is reported in eV/A^3 (`fit.b0`) and GPa (`b0GPa`).
 */
export function equationOfState(calculator: Calculator, atoms: Atoms, opts: EosOptions = {}): EosResult {
  return drain(equationOfStateSteps(calculator, atoms, opts));
}

/** {@link equationOfState} one relaxation step (or volume) at a time (a generator for `drain` / `drainAsync`). */
export function* equationOfStateSteps(calculator: Calculator, atoms: Atoms, opts: EosOptions = {}): Generator<void, EosResult> {
  const strain = opts.strain ?? 0.04;
  const points = opts.points ?? 11;
  if (!atoms.pbc.every((p) => p)) throw new InputError("an equation of state needs a structure periodic in all three directions");
  if (!(strain > 0 && strain < 0.5)) throw new InputError(`strain must be in (0, 0.5), got ${strain}`);
  if (!Number.isInteger(points) || points < 5) throw new InputError(`points must be an integer >= 5, got ${points}`);
  const vIn = atoms.volume();
  const scales: number[] = [], volumes: number[] = [], energies: number[] = [];
  for (let k = 0; k < points; k++) {
    const s = 1 - strain + (2 * strain * k) / (points - 1);
    const a = scaled(atoms, s);
    const e = opts.relax ? (yield* relaxSteps(a, calculator, { fmax: 1e-4, ...opts.relaxOptions })).energy : forceEnergy(calculator.calculate(a));
    if (!opts.relax) yield;
    scales.push(s);
    volumes.push(a.volume());
    energies.push(e);
    opts.onProgress?.(k + 1, points);
  }
  const fit = fitBirchMurnaghan(volumes, energies);
  const scale0 = Math.cbrt(fit.v0 / vIn);
  const n = atoms.length;
  return {
    scales,
    volumes,
    energies,
    fit,
    atoms: n,
    v0PerAtom: fit.v0 / n,
    e0PerAtom: fit.e0 / n,
    b0GPa: fit.b0 * EV_PER_A3_IN_GPA,
    scale0,
    a0: opts.latticeConstant !== undefined ? opts.latticeConstant * scale0 : undefined,
    cohesiveEnergy: cohesiveEnergy(calculator, atoms.symbols, fit.e0),
  };
}
