/**
 * Streitz-Mintmire for `createDomainMd`: the options a caller gives and their check against the
 * single engine's defaults (LAMMPS examples/streitz, `STREITZ_DEFAULTS`). Browser-safe.
 */
import { InputError } from "../errors.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import type { EamPotential } from "../potentials/types.js";
import { STREITZ_DEFAULTS } from "../streitz/calculator.js";
import type { StreitzEngineSettings, StreitzMode } from "../streitz/engine.js";
import { XL_COEFFICIENTS, type XlOrder } from "../xl/coefficients.js";
import { parseStreitz } from "../streitz/params.js";
import type { DomainStreitzSpec } from "./protocol.js";

/**
 * A Streitz-Mintmire model over domain workers: the eam/alloy file and the `.streitz` file (their
 * texts) and the settings of `StreitzCalculator.create` that apply (Wolf, or Ewald in lammps mode; charges
 * solved to `qeqTolerance` every step by Jacobi-preconditioned CG).
 */
export interface DomainStreitzPotential {
  kind: "streitz";
  eam: { text: string; fileName: string };
  streitz: { text: string; fileName: string };
  /** Long-range summation (default "wolf"); "ewald" in lammps mode, with `ewaldG` and `kmax` given. */
  summation?: "wolf" | "ewald";
  /** Ewald splitting g (1/A) and k-vector extents (as `kspace_modify gewald` and `kmax/ewald`). */
  ewaldG?: number;
  kmax?: readonly [number, number, number];
  /** "lammps" (default) or "consistent", as StreitzCalculator. */
  mode?: StreitzMode;
  /** Wolf damping alpha, 1/A (default 0.31). */
  wolfAlpha?: number;
  /** coul/streitz cutoff, A (default 12). */
  coulCutoff?: number;
  /** QEq cutoff, A (lammps mode; default coulCutoff) and its alpha, 1/A (default 0.2). */
  qeqCutoff?: number;
  qeqAlpha?: number;
  /** Relative CG residual per solve (default 1e-6) and CG loops per solve at most (default 100). */
  qeqTolerance?: number;
  qeqMaxIter?: number;
  /** Radial table spacing, A (default 0.02). */
  tableSpacing?: number;
  /**
   * Extended-Lagrangian charges in MD, as `StreitzEngine.qeqXl` without shadow forces: auxiliary
   * (s, t) propagated with the positions, each step's CG from them capped at `loops` loops
   * (defaults: order 5, 4 loops). Absent or null: every step solved to the tolerance.
   */
  qeqXl?: { order?: XlOrder; loops?: number; shadow?: boolean } | null;
}

/** The checked model for a structure of `species`: the spec the workers get, the parsed EAM part and the reach of the list (A, without skin). */
export function resolveStreitz(o: DomainStreitzPotential, species: readonly string[], pbc: readonly boolean[]): { spec: DomainStreitzSpec; eam: EamPotential; cutoff: number } {
  if (!o.eam || typeof o.eam.text !== "string" || !o.streitz || typeof o.streitz.text !== "string") {
    throw new InputError(`a Streitz-Mintmire potential needs {kind: "streitz", eam: {text, fileName}, streitz: {text, fileName}}`);
  }
  const summation = o.summation ?? "wolf";
  if (summation !== "wolf" && summation !== "ewald") throw new InputError(`summation must be "wolf" or "ewald", got ${String(summation)}`);
  const mode = o.mode ?? "lammps";
  let ewald: DomainStreitzSpec["ewald"] = null;
  if (summation === "ewald") {
    if (mode === "consistent") {
      throw new InputError("Streitz-Mintmire on domain workers: Ewald in consistent mode (the reciprocal sum in the QEq matrix) is not split across domains; use lammps mode or Wolf");
    }
    const k = o.kmax;
    if (!(Number.isFinite(o.ewaldG) && o.ewaldG! > 0) || !k || k.length !== 3 || !k.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new InputError("Ewald on domain workers needs ewaldG (1/A, > 0) and kmax (three positive integers), e.g. from StreitzCalculator's results.ewald");
    }
    ewald = { g: o.ewaldG!, kmax: [k[0], k[1], k[2]] };
    if (!pbc.every((p) => p)) throw new InputError("Ewald needs a structure periodic in all three directions");
  }
  if (mode !== "lammps" && mode !== "consistent") throw new InputError(`mode must be "lammps" or "consistent", got ${String(mode)}`);
  const check = (name: string, v: number | undefined, min: number, unit: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > min)) throw new InputError(`${name} must be a finite number > ${min}${unit}, got ${v}`);
  };
  check("coulCutoff", o.coulCutoff, 0, " A");
  check("qeqCutoff", o.qeqCutoff, 0, " A");
  check("wolfAlpha", o.wolfAlpha, -1e-300, " 1/A");
  check("qeqAlpha", o.qeqAlpha, -1e-300, " 1/A");
  check("qeqTolerance", o.qeqTolerance, 0, "");
  check("tableSpacing", o.tableSpacing, 0, " A");
  if (o.qeqMaxIter !== undefined && !(Number.isInteger(o.qeqMaxIter) && o.qeqMaxIter >= 1)) {
    throw new InputError(`qeqMaxIter must be a positive integer, got ${o.qeqMaxIter}`);
  }
  if (mode === "consistent" && (o.qeqAlpha !== undefined || o.qeqCutoff !== undefined)) {
    throw new InputError("consistent mode solves the charges with the energy's own alpha and cutoff: qeqAlpha and qeqCutoff do not apply");
  }
  const eam = parseEamPotential(o.eam.text, { fileName: o.eam.fileName, style: "eam/alloy" });
  const params = parseStreitz(o.streitz.text, o.streitz.fileName);
  const coulCutoff = o.coulCutoff ?? STREITZ_DEFAULTS.coulCutoff;
  const settings: StreitzEngineSettings = {
    summation,
    mode,
    coulCutoff,
    wolfAlpha: o.wolfAlpha ?? STREITZ_DEFAULTS.wolfAlpha,
    qeqCutoff: mode === "consistent" ? coulCutoff : (o.qeqCutoff ?? coulCutoff),
    qeqAlpha: o.qeqAlpha ?? STREITZ_DEFAULTS.qeqAlpha,
    qeqTolerance: o.qeqTolerance ?? STREITZ_DEFAULTS.qeqTolerance,
    qeqMaxIter: o.qeqMaxIter ?? STREITZ_DEFAULTS.qeqMaxIter,
    tableSpacing: o.tableSpacing,
  };
  for (const el of new Set(species)) {
    if (eam.elements.includes(el) && !params.bySymbol.has(el)) throw new InputError(`species '${el}' has no parameters in ${params.source}`);
  }
  let xl: DomainStreitzSpec["xl"] = null;
  if (o.qeqXl) {
    if (o.qeqXl.shadow) throw new InputError("Streitz-Mintmire on domain workers: extended-Lagrangian charges without shadow-potential forces only (qeqXl.shadow is not split across domains)");
    const order = o.qeqXl.order ?? 5, loops = o.qeqXl.loops ?? 4;
    if (!(order in XL_COEFFICIENTS)) throw new InputError(`qeqXl.order must be 4..7, got ${order}`);
    if (!(Number.isInteger(loops) && loops >= 1)) throw new InputError(`qeqXl.loops must be a positive integer, got ${loops}`);
    xl = { order, loops };
  }
  const spec: DomainStreitzSpec = { kind: "streitz", eam: { text: o.eam.text, fileName: o.eam.fileName }, streitz: { text: o.streitz.text, fileName: o.streitz.fileName }, settings, xl, ewald };
  return { spec, eam, cutoff: Math.max(eam.cutoff, coulCutoff, settings.qeqCutoff) };
}
