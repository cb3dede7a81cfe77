/**
 * Streitz-Mintmire for `createDomainMd`: the options a caller gives, checked and completed by the
 * single engine's `resolveStreitzSettings` (src/streitz/settings.ts), plus what only the domains
 * need (Ewald's g and kmax fixed up front). Browser-safe.
 */
import { InputError } from "../errors.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import type { EamPotential } from "../potentials/types.js";
import type { StreitzEngineSettings } from "../streitz/engine.js";
import { parseStreitz } from "../streitz/params.js";
import { resolveStreitzSettings, type StreitzSettingsInput } from "../streitz/settings.js";
import type { DomainStreitzSpec } from "./protocol.js";

/**
 * A Streitz-Mintmire model over domain workers: the eam/alloy file and the `.streitz` file (their
 * texts) and the settings of `StreitzCalculator.create` that apply (Wolf, or Ewald in lammps mode
 * with `ewaldG` and `kmax` given; charges solved to `qeqTolerance` every step by Jacobi-preconditioned
 * CG, or extended-Lagrangian with `qeqXl`, without shadow-potential forces).
 */
export interface DomainStreitzPotential extends Omit<StreitzSettingsInput, "summation" | "ewaldAccuracy"> {
  kind: "streitz";
  eam: { text: string; fileName: string };
  streitz: { text: string; fileName: string };
  /** Long-range summation (default "wolf"). */
  summation?: "wolf" | "ewald";
}

/**
 * The checked model for a structure of `species` with periodicity `pbc`: the spec the workers get,
 * the parsed EAM part and the reach of the list (A, without skin). The settings are checked and
 * completed by `resolveStreitzSettings`, as `StreitzCalculator.create` does; only what the domains
 * add is checked here (Ewald needs g and kmax given and lammps mode; no shadow-potential forces).
 * @throws InputError for a bad setting (the calculator's message), or what the domains do not run
 */
export function resolveStreitz(o: DomainStreitzPotential, species: readonly string[], pbc: readonly boolean[]): { spec: DomainStreitzSpec; eam: EamPotential; cutoff: number } {
  if (!o.eam || typeof o.eam.text !== "string" || !o.streitz || typeof o.streitz.text !== "string") {
    throw new InputError(`a Streitz-Mintmire potential needs {kind: "streitz", eam: {text, fileName}, streitz: {text, fileName}}`);
  }
  const { summation, mode, coulCutoff, wolfAlpha, qeqCutoff, qeqAlpha, qeqTolerance, qeqMaxIter, tableSpacing, ewaldG, kmax, qeqXl } =
    resolveStreitzSettings({ ...o, summation: o.summation ?? "wolf" });
  let ewald: DomainStreitzSpec["ewald"] = null;
  if (summation === "ewald") {
    if (mode === "consistent") {
      throw new InputError("Streitz-Mintmire on domain workers: Ewald in consistent mode (the reciprocal sum in the QEq matrix) is not split across domains; use lammps mode or Wolf");
    }
    if (ewaldG === undefined || kmax === undefined) {
      throw new InputError("Ewald on domain workers needs ewaldG (1/A, > 0) and kmax (three positive integers), e.g. from StreitzCalculator's results.ewald");
    }
    ewald = { g: ewaldG, kmax: [kmax[0], kmax[1], kmax[2]] };
    if (!pbc.every((p) => p)) throw new InputError("Ewald needs a structure periodic in all three directions");
  }
  if (qeqXl?.shadow) throw new InputError("Streitz-Mintmire on domain workers: extended-Lagrangian charges without shadow-potential forces only (qeqXl.shadow is not split across domains)");
  const eam = parseEamPotential(o.eam.text, { fileName: o.eam.fileName, style: "eam/alloy" });
  const params = parseStreitz(o.streitz.text, o.streitz.fileName);
  const settings: StreitzEngineSettings = { summation, mode, coulCutoff, wolfAlpha, qeqCutoff, qeqAlpha, qeqTolerance, qeqMaxIter, tableSpacing };
  for (const el of new Set(species)) {
    if (eam.elements.includes(el) && !params.bySymbol.has(el)) throw new InputError(`species '${el}' has no parameters in ${params.source}`);
  }
  const xl = qeqXl ? { order: qeqXl.order, loops: qeqXl.loops } : null;
  const spec: DomainStreitzSpec = { kind: "streitz", eam: { text: o.eam.text, fileName: o.eam.fileName }, streitz: { text: o.streitz.text, fileName: o.streitz.fileName }, settings, xl, ewald };
  return { spec, eam, cutoff: Math.max(eam.cutoff, coulCutoff, qeqCutoff) };
}
