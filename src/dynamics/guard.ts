/**
 * Stops runs that have blown up instead of letting them finish with garbage: non-finite positions or
 * velocities, atoms that left a periodic cell far between neighbor builds, a conserved quantity that
 * drifted by more than an eV per atom, a runaway temperature (the only check left with a barostat,
 * which conserves nothing) and dangerous neighbor-list builds. The limits are far beyond any sane
 * run (a too-large time step crosses them within a few dozen steps) so that they never stop a
 * physical one.
 */
import type { Atoms } from "../atoms.js";
import { cellFrame } from "../engine/geometry.js";
import { CalculationFailed } from "../errors.js";

/** Limits of a run; `MolecularDynamics` checks them at every hook point. */
export interface GuardLimits {
  /**
   * Largest temperature, K (default: 1e5 K, or a hundred times the starting temperature or the
   * thermostat's target when that is higher). A small cluster falling into a deep well can heat to
   * 15,000 K in a physical NVE run; the energy check is what catches a too-large time step there.
   */
  maxTemperature?: number;
  /** Largest change of the conserved quantity per atom, eV (default 1; runs with a barostat conserve nothing). */
  maxDriftPerAtom?: number;
  /** Stop at a dangerous neighbor-list build (default true; never with a zero skin, which rebuilds every step). */
  stopOnDangerousBuilds?: boolean;
}

/**
 * Positions and velocities as the guard reads them: row-major N x 3 arrays (an `Atoms`), or the
 * x/y/z and vx/vy/vz columns a wasm engine holds (checked in place between hook points, without
 * copying the state out of the engine).
 */
export interface GuardColumns {
  n: number;
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
  /** Component d of atom i is `pos[d][off[d] + stride * i]` (likewise `vel`, null without velocities). */
  pos: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  vel: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] | null;
  off: [number, number, number];
  stride: number;
}

/** The columns of an `Atoms` (interleaved). */
export function atomsColumns(a: Atoms): GuardColumns {
  const x = a.positions, v = a.velocities;
  return { n: a.length, cell: a.cell, pbc: a.pbc, pos: [x, x, x], vel: v ? [v, v, v] : null, off: [0, 1, 2], stride: 3 };
}

/** What the guard is shown at each check. */
export interface GuardSample {
  step: number;
  atoms: Atoms | GuardColumns;
  temperature: number;
  conserved: number | null;
  dangerousBuilds: number;
}

/** Checks one run against its limits; `begin` at the start, `check` at each hook point. */
export class RunGuard {
  private limits: Required<GuardLimits> = { maxTemperature: Infinity, maxDriftPerAtom: 1, stopOnDangerousBuilds: true };
  private conserved0: number | null = null;
  private dangerous0 = 0;

  constructor(private readonly options: GuardLimits = {}, private readonly skin = 1) {}

  /** Records the starting state; `target` is a thermostat's temperature (K) when there is one. */
  begin(s: GuardSample, target?: number): void {
    const hottest = Math.max(s.temperature, target ?? 0);
    this.limits = {
      maxTemperature: this.options.maxTemperature ?? Math.max(1e5, 100 * hottest),
      maxDriftPerAtom: this.options.maxDriftPerAtom ?? 1,
      stopOnDangerousBuilds: (this.options.stopOnDangerousBuilds ?? true) && this.skin > 0,
    };
    this.conserved0 = s.conserved;
    this.dangerous0 = s.dangerousBuilds;
    this.check(s);
  }

  /** Throws CalculationFailed naming the step and what went wrong. */
  check(s: GuardSample): void {
    const a = "stride" in s.atoms ? s.atoms : atomsColumns(s.atoms), n = a.n;
    const at = `MD stopped at step ${s.step}`;
    const advice = "the time step is probably too large for this system (try a smaller --dt)";
    const bad = nonFinite(a);
    if (bad !== null) throw new CalculationFailed(`${at}: atom ${bad} has a non-finite position or velocity; ${advice}`);
    const lost = lostAtom(a);
    if (lost !== null) {
      throw new CalculationFailed(`${at}: atom ${lost} left the periodic cell by more than a cell length between neighbor builds (lost); ${advice}`);
    }
    if (!(s.temperature <= this.limits.maxTemperature)) {
      throw new CalculationFailed(`${at}: temperature ${s.temperature.toExponential(3)} K is beyond ${this.limits.maxTemperature.toExponential(3)} K (runaway); ${advice}`);
    }
    if (this.conserved0 !== null && s.conserved !== null) {
      const drift = (s.conserved - this.conserved0) / n;
      if (!(Math.abs(drift) <= this.limits.maxDriftPerAtom)) {
        throw new CalculationFailed(
          `${at}: the conserved energy changed by ${drift.toExponential(3)} eV/atom since the start (limit ${this.limits.maxDriftPerAtom}); ${advice}`,
        );
      }
    }
    if (this.limits.stopOnDangerousBuilds && s.dangerousBuilds > this.dangerous0) {
      throw new CalculationFailed(
        `${at}: ${s.dangerousBuilds - this.dangerous0} dangerous neighbor-list build(s) (an atom moved more than half the ${this.skin} A skin ` +
          `before the list was checked, so interactions may have been missed); use a smaller --dt, a larger --skin or --neigh-every 1 --neigh-delay 0`,
      );
    }
  }
}

/** True when every one of the first `len` entries is finite (0 x a finite number is 0; NaN otherwise). */
function allFinite(v: ArrayLike<number>, len: number): boolean {
  let s = 0;
  for (let k = 0; k < len; k++) s += v[k] * 0;
  return s === 0;
}

/** The first atom with a non-finite position or velocity component, or null. */
function nonFinite(a: GuardColumns): number | null {
  const { pos, vel, off, stride } = a;
  // Interleaved arrays (an Atoms): one flat pass each settles the usual all-finite case; the loop
  // below names the atom otherwise.
  if (stride === 3 && pos[0] === pos[1] && pos[1] === pos[2] && off[0] === 0 && off[1] === 1 && off[2] === 2 &&
    (vel === null || (vel[0] === vel[1] && vel[1] === vel[2]))) {
    if (allFinite(pos[0], 3 * a.n) && (vel === null || allFinite(vel[0], 3 * a.n))) return null;
  }
  // An engine's columns (one array per component, from index 0): likewise, one pass per column.
  if (stride === 1 && off[0] === 0 && off[1] === 0 && off[2] === 0) {
    if (pos.every((c) => allFinite(c, a.n)) && (vel === null || vel.every((c) => allFinite(c, a.n)))) return null;
  }
  for (let i = 0; i < a.n; i++) {
    for (let d = 0; d < 3; d++) {
      const k = off[d] + stride * i;
      if (!Number.isFinite(pos[d][k]) || (vel !== null && !Number.isFinite(vel[d][k]))) return i;
    }
  }
  return null;
}

/** An atom whose fractional coordinate along a periodic direction is outside [-1, 2], or null. */
function lostAtom(a: GuardColumns): number | null {
  if (!a.pbc.some((p) => p)) return null;
  const g = cellFrame(a.cell, a.pbc).g;
  const [x, y, z] = a.pos, [ox, oy, oz] = a.off, st = a.stride;
  // The three directions unrolled, with the cell in locals (this loop runs cold at start-up).
  const [pa, pb, pc] = a.pbc;
  const g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4], g5 = g[5], g6 = g[6], g7 = g[7], g8 = g[8];
  for (let i = 0; i < a.n; i++) {
    const xi = x[ox + st * i], yi = y[oy + st * i], zi = z[oz + st * i];
    if (pa) {
      const f = xi * g0 + yi * g3 + zi * g6;
      if (f < -1 || f > 2) return i;
    }
    if (pb) {
      const f = xi * g1 + yi * g4 + zi * g7;
      if (f < -1 || f > 2) return i;
    }
    if (pc) {
      const f = xi * g2 + yi * g5 + zi * g8;
      if (f < -1 || f > 2) return i;
    }
  }
  return null;
}
