/**
 * One factory for every model: `createCalculator(spec, options)`, where `spec` names the model
 * (`kind`) and carries its parsed data and model settings, and `options` are the engine's (kernel
 * variant, neighbor skin, a precompiled module), the same for every model.
 */
import { EctCalculator } from "../ect/calculator.js";
import type { EctModel } from "../ect/model.js";
import { QeqCalculator, type QeqParameters } from "../ect/qeq.js";
import { buildEctTables } from "../ect/tables.js";
import { EamCalculator } from "../eam/calculator.js";
import type { EngineOptions } from "../engine/system.js";
import { InputError } from "../errors.js";
import type { EamPotential } from "../potentials/types.js";
import { StreitzCalculator, type StreitzCalculatorOptions } from "../streitz/calculator.js";

/** Classic EAM: a tabulated potential (`parseEamPotential`, `readEamPotentialFile`). */
export interface EamSpec {
  kind: "eam";
  potential: EamPotential;
}

/** ECT-EAM: a model (`parseEctModel`, `readEctModelFile`); its tables are built here. */
export interface EctSpec {
  kind: "ect-eam";
  model: EctModel;
}

/**
 * Streitz-Mintmire: the EAM part, the `.streitz` parameters (`parseStreitz`, `readStreitzFile`),
 * the summation and the LAMMPS settings of {@link StreitzCalculatorOptions} (defaults: LAMMPS'
 * examples/streitz).
 */
export type StreitzSpec = { kind: "streitz" } & Omit<StreitzCalculatorOptions, "engine">;

/** The QEq baseline: per-element parameters (`qeqFromEctModel`) and the total charge, e (default 0). */
export interface QeqSpec {
  kind: "qeq";
  parameters: QeqParameters;
  totalCharge?: number;
}

/** What {@link createCalculator} builds. */
export type CalculatorSpec = EamSpec | EctSpec | StreitzSpec | QeqSpec;

/** The calculator class each spec gives. */
export type CalculatorFor<S extends CalculatorSpec> = S extends EamSpec
  ? EamCalculator
  : S extends EctSpec
    ? EctCalculator
    : S extends StreitzSpec
      ? StreitzCalculator
      : QeqCalculator;

/**
 * Creates the calculator a spec names, with one engine (one wasm instance) for the wasm-backed
 * models. Engine `options` do not apply to QEq (no engine).
 *
 * ```ts
 * const eam = await createCalculator({ kind: "eam", potential: readEamPotentialFile("Cu_u3.eam") });
 * const ect = await createCalculator({ kind: "ect-eam", model: readEctModelFile("ect-starter.json") }, { skin: 1 });
 * const sm = await createCalculator({ kind: "streitz", eam, streitz, summation: "wolf" });
 * ```
 * @throws InputError for an unknown kind (and what each calculator's own factory throws)
 */
export async function createCalculator<S extends CalculatorSpec>(spec: S, options: EngineOptions = {}): Promise<CalculatorFor<S>> {
  const s = spec as CalculatorSpec;
  switch (s.kind) {
    case "eam":
      return (await EamCalculator.create(s.potential, options)) as CalculatorFor<S>;
    case "ect-eam":
      return (await EctCalculator.create(buildEctTables(s.model), { ...options, source: s.model.source })) as CalculatorFor<S>;
    case "streitz": {
      const { kind: _kind, ...settings } = s;
      return (await StreitzCalculator.create({ ...settings, engine: options })) as CalculatorFor<S>;
    }
    case "qeq":
      return (await QeqCalculator.create(s.parameters, { totalCharge: s.totalCharge })) as CalculatorFor<S>;
    default:
      throw new InputError(`unknown calculator kind '${String((s as { kind?: unknown }).kind)}' (eam, ect-eam, streitz, qeq)`);
  }
}
