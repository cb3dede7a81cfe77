/**
 * The settings of a Streitz-Mintmire model, checked and with defaults filled in, in one place for
 * every way the model is built: `StreitzCalculator.create` (the single engine, the CLI) and
 * `createDomainMd` (the domain workers, src/domain/streitz-options.ts). Both therefore take the same
 * defaults and refuse the same values with the same one-line message. Browser-safe, no wasm.
 *
 * Defaults are those of LAMMPS examples/streitz (`in.streitz.wolf` / `in.streitz.ewald`).
 * Units: A, 1/A, e; tolerances are relative CG residuals.
 */
import { InputError } from "../errors.js";
import { XL_COEFFICIENTS, type XlOrder } from "../xl/coefficients.js";
import type { StreitzSummation } from "./coulomb.js";

/** How the model is evaluated: "lammps" (LAMMPS 29Sep2021, quirks included) or "consistent". */
export type StreitzMode = "lammps" | "consistent";

/**
 * Where the CG starts: zero, the last solution, LAMMPS' extrapolation of the last four, or the linear
 * extrapolation of the last two.
 */
export type QeqStart = "zero" | "previous" | "extrapolate" | "linear";

/** CG preconditioner: LAMMPS' Jacobi (1/J_i) or symmetric Gauss-Seidel over the pairs within qeqShortCutoff. */
export type QeqPreconditioner = "jacobi" | "sgs";

/** Settings the engine needs (all filled in; see StreitzCalculator for defaults). */
export interface StreitzEngineSettings {
  summation: StreitzSummation;
  mode: StreitzMode;
  /** coul/streitz cutoff, A. */
  coulCutoff: number;
  /** Wolf alpha, 1/A. */
  wolfAlpha: number;
  /** QEq cutoff, A ("lammps" only; "consistent" uses coulCutoff). */
  qeqCutoff: number;
  /** QEq alpha, 1/A ("lammps" only). */
  qeqAlpha: number;
  /** Relative CG residual to stop at. */
  qeqTolerance: number;
  /** CG loops per solve. */
  qeqMaxIter: number;
  /** Radial table spacing, A (default 0.02). */
  tableSpacing?: number;
}

/**
 * Extended-Lagrangian charges in MD: auxiliary (s, t) propagated with the positions (src/xl), each
 * step's CG starts there and runs at most `loops` loops (or to the tolerance, if sooner).
 */
export interface QeqXlSettings {
  /** Dissipation order K (4..7; default 5). */
  order?: XlOrder;
  /** CG loops per step at most (matrix-vector products; default 4, with `shadow` 2). */
  loops?: number;
  /**
   * Shadow-potential forces (default false): the charges are those of the auxiliary (s, t) themselves,
   * so the forces are the exact gradient of a shadow energy E(R, q(x)) whatever the solve; the capped
   * CG from x only drives the auxiliary variables (with one loop: x + 0.5 M^-1 r).
   */
  shadow?: boolean;
}

/** LAMMPS examples/streitz settings, used where an option is absent. */
export const STREITZ_DEFAULTS = {
  /** pair_style coul/streitz cutoff, A. */
  coulCutoff: 12.0,
  /** pair_style coul/streitz ... wolf alpha, 1/A. */
  wolfAlpha: 0.31,
  /** fix qeq/slater tolerance (relative CG residual). */
  qeqTolerance: 1e-6,
  /** fix qeq/slater maxiter (per CG solve). */
  qeqMaxIter: 100,
  /** fix qeq/slater alpha keyword default, 1/A. */
  qeqAlpha: 0.2,
  /** kspace_style ewald accuracy (relative to the force between two unit charges 1 A apart). */
  ewaldAccuracy: 1e-6,
} as const;

/**
 * Extended-Lagrangian defaults: dissipation order, CG loops per step, and loops with shadow forces
 * (the values `StreitzEngine` takes for an absent `order` / `loops`).
 */
export const STREITZ_XL_DEFAULTS = { order: 5 as XlOrder, loops: 4, shadowLoops: 2 } as const;

/** The settings as a caller gives them (every one optional but the summation). */
export interface StreitzSettingsInput {
  /** Long-range Coulomb summation: "wolf" (pair_style ... wolf) or "ewald" (+ kspace_style ewald). */
  summation: StreitzSummation;
  /** Evaluation mode: "lammps" (default) or "consistent" (qeqAlpha and qeqCutoff then do not apply). */
  mode?: StreitzMode;
  /** Wolf damping alpha, 1/A (Wolf only; default 0.31). */
  wolfAlpha?: number;
  /** Real-space Coulomb cutoff rc, A (default 12). */
  coulCutoff?: number;
  /** QEq cutoff, A (default: coulCutoff). */
  qeqCutoff?: number;
  /** QEq damping alpha of erfc(alpha r)/r, 1/A (fix keyword `alpha`, default 0.2). */
  qeqAlpha?: number;
  /** QEq relative CG residual at which fix qeq/slater stops (default 1e-6). */
  qeqTolerance?: number;
  /** QEq iteration limit per CG solve (default 100); not converging throws CalculationFailed. */
  qeqMaxIter?: number;
  /**
   * Ewald relative accuracy (`kspace_style ewald ACC`, default 1e-6): sets g_ewald and/or kmax
   * where those are not given, with LAMMPS' estimates (Ewald::init / Ewald::setup).
   */
  ewaldAccuracy?: number;
  /** Ewald splitting parameter g, 1/A (`kspace_modify gewald G`). */
  ewaldG?: number;
  /** Largest k index per reciprocal direction (`kspace_modify kmax/ewald KX KY KZ`). */
  kmax?: readonly [number, number, number];
  /** Spacing of the radial tables, A (default 0.02). */
  tableSpacing?: number;
  /**
   * Extended-Lagrangian charges in MD (`engine.runVerlet`): auxiliary (s, t) propagated with the
   * positions, at most `loops` CG loops per step (defaults: order 5, 4 loops). Absent or null: every
   * step solved to the tolerance. Single points always solve to the tolerance.
   */
  qeqXl?: QeqXlSettings | null;
}

/** Resolved extended-Lagrangian settings: every field given. */
export interface StreitzXlSettings {
  order: XlOrder;
  loops: number;
  shadow: boolean;
}

/** The resolved settings: what the engine takes, plus the Ewald choice and the XL settings. */
export interface StreitzSettings extends StreitzEngineSettings {
  ewaldAccuracy: number;
  ewaldG?: number;
  kmax?: readonly [number, number, number];
  qeqXl: StreitzXlSettings | null;
}

function positive(name: string, v: number | undefined, unit: string): void {
  if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new InputError(`${name} must be > 0${unit}, got ${v}`);
}

function nonNegative(name: string, v: number | undefined, unit: string): void {
  if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new InputError(`${name} must be >= 0${unit}, got ${v}`);
}

function positiveInteger(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new InputError(`${name} must be a positive integer, got ${v}`);
}

/**
 * Checks a Streitz-Mintmire model's settings and fills in the defaults ({@link STREITZ_DEFAULTS},
 * {@link STREITZ_XL_DEFAULTS}). In consistent mode the QEq uses the energy's own cutoff and alpha
 * (qeqCutoff = coulCutoff; qeqAlpha is carried but not used).
 *
 * @param o settings as given (A, 1/A; tolerances relative)
 * @returns the settings in force
 * @throws InputError (one line naming the setting) for an unknown summation or mode, an out-of-range
 *   number, qeqAlpha or qeqCutoff in consistent mode, or bad extended-Lagrangian settings
 */
export function resolveStreitzSettings(o: StreitzSettingsInput): StreitzSettings {
  if (o.summation !== "wolf" && o.summation !== "ewald") throw new InputError(`summation must be "wolf" or "ewald", got ${String(o.summation)}`);
  if (o.mode !== undefined && o.mode !== "lammps" && o.mode !== "consistent") {
    throw new InputError(`mode must be "lammps" or "consistent", got ${String(o.mode)}`);
  }
  positive("coulCutoff", o.coulCutoff, " A");
  nonNegative("wolfAlpha", o.wolfAlpha, " 1/A");
  positive("qeqCutoff", o.qeqCutoff, " A");
  positive("qeqTolerance", o.qeqTolerance, "");
  positiveInteger("qeqMaxIter", o.qeqMaxIter);
  nonNegative("qeqAlpha", o.qeqAlpha, " 1/A");
  positive("ewaldAccuracy", o.ewaldAccuracy, "");
  positive("ewaldG", o.ewaldG, " 1/A");
  positive("tableSpacing", o.tableSpacing, " A");
  if (o.kmax !== undefined && (o.kmax.length !== 3 || !o.kmax.every((k) => Number.isInteger(k) && k >= 1))) {
    throw new InputError(`kmax must be three positive integers, got ${Array.from(o.kmax).join(" ")}`);
  }
  const mode = o.mode ?? "lammps";
  if (mode === "consistent" && (o.qeqAlpha !== undefined || o.qeqCutoff !== undefined)) {
    throw new InputError("consistent mode solves the charges with the energy's own alpha and cutoff: qeqAlpha and qeqCutoff do not apply");
  }
  const coulCutoff = o.coulCutoff ?? STREITZ_DEFAULTS.coulCutoff;
  return {
    summation: o.summation,
    mode,
    coulCutoff,
    wolfAlpha: o.wolfAlpha ?? STREITZ_DEFAULTS.wolfAlpha,
    qeqCutoff: mode === "consistent" ? coulCutoff : (o.qeqCutoff ?? coulCutoff),
    qeqAlpha: o.qeqAlpha ?? STREITZ_DEFAULTS.qeqAlpha,
    qeqTolerance: o.qeqTolerance ?? STREITZ_DEFAULTS.qeqTolerance,
    qeqMaxIter: o.qeqMaxIter ?? STREITZ_DEFAULTS.qeqMaxIter,
    tableSpacing: o.tableSpacing,
    ewaldAccuracy: o.ewaldAccuracy ?? STREITZ_DEFAULTS.ewaldAccuracy,
    ewaldG: o.ewaldG,
    kmax: o.kmax ? [o.kmax[0], o.kmax[1], o.kmax[2]] : undefined,
    qeqXl: o.qeqXl ? resolveXl(o.qeqXl) : null,
  };
}

function resolveXl(x: QeqXlSettings): StreitzXlSettings {
  const shadow = x.shadow === true;
  const order = x.order ?? STREITZ_XL_DEFAULTS.order;
  const loops = x.loops ?? (shadow ? STREITZ_XL_DEFAULTS.shadowLoops : STREITZ_XL_DEFAULTS.loops);
  if (!(order in XL_COEFFICIENTS)) throw new InputError(`qeqXl.order must be 4..7, got ${order}`);
  positiveInteger("qeqXl.loops", loops);
  return { order, loops, shadow };
}
