/**
 * `--potential FILE`, `--model FILE` or `--potential FILE --streitz FILE`: the calculator every
 * toolkit command (md, relax, property, export-lammps) runs on, so each works with every model.
 * ECT-EAM flags `--long-range`, `--coul-cutoff` and `--charge` override the model file's settings.
 */
import type { Command } from "commander";
import type { Atoms } from "../atoms.js";
import { EamCalculator } from "../eam/calculator.js";
import { EctCalculator } from "../ect/calculator.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { InputError } from "../errors.js";
import type { Calculator } from "../calculators/protocol.js";
import type { EamPotential } from "../potentials/types.js";
import type { EctModel } from "../ect/model.js";
import { StreitzCalculator } from "../streitz/calculator.js";
import { readStreitzFile } from "../streitz/params-file.js";
import { loadPotential, numberOption } from "./common.js";
import { choiceOption, simdOption, styleOption } from "./options.js";
import { streitzSettings, usesStreitz, type StreitzFlags } from "./streitz.js";
import type { ModelKind } from "./md-table.js";
import { stderr } from "./io.js";

/** The flags `addCalculatorOptions` (and the model overrides) register, as commander names them. */
export interface CalculatorFlags extends StreitzFlags {
  potential?: string;
  model?: string;
  style?: string;
  simd?: string;
  skin?: string;
  longRange?: string;
  charge?: string;
  /** md --streitz: extended-Lagrangian QEq charges. */
  qeqXl?: boolean;
  /** md --streitz: extended-Lagrangian QEq charges with shadow-potential forces. */
  qeqXlShadow?: boolean;
}

/** A loaded calculator with what commands need to know about it. */
export interface LoadedCalculator {
  calculator: Calculator;
  kind: ModelKind;
  /** Element symbols the potential or model covers, in its order. */
  elements: string[];
  /** One line for headers: file and kind. */
  description: string;
  /** Exactly one of these is set (Streitz: `potential` is its EAM part). */
  potential?: EamPotential;
  model?: EctModel;
  /** Fixes up a structure for this model before a run (Streitz: masses from the EAM file, as LAMMPS). */
  prepare: (atoms: Atoms) => void;
}

/** Registers --potential, --model, --style and --simd on a command. */
export function addCalculatorOptions(cmd: Command): Command {
  return cmd
    .option("--potential <file>", "EAM potential (.eam funcfl, .eam.alloy setfl, .eam.fs Finnis-Sinclair)")
    .option("--model <file>", "ECT-EAM model (JSON)")
    .addOption(styleOption())
    .addOption(simdOption());
}

const LONG_RANGE = ["direct", "dsf", "ewald"] as const;

/**
 * Registers the ECT-EAM overrides: `--long-range` and (unless the command has Streitz flags, which
 * bring their own) `--coul-cutoff`; with `charge`, also `--charge`.
 */
export function addModelOverrideOptions(cmd: Command, opts: { charge?: boolean; coulCutoff?: boolean } = {}): Command {
  cmd.addOption(choiceOption("--long-range <direct|dsf|ewald>", "ECT-EAM: point-charge long range, overriding the model file's electrostatics.longRange", LONG_RANGE));
  if (opts.coulCutoff !== false) cmd.option("--coul-cutoff <A>", "ECT-EAM: long-range cutoff, A, overriding the model file's electrostatics.cutoff");
  if (opts.charge) cmd.option("--charge <e>", "ECT-EAM: total charge of the system, e, overriding the model file's totalCharge");
  return cmd;
}

/**
 * Applies `--long-range`, `--coul-cutoff` and `--charge` to a parsed model (a copy); refuses them
 * without a model.
 */
export function applyModelOverrides(model: EctModel | undefined, flags: CalculatorFlags): EctModel | undefined {
  const given = (["longRange", "charge"] as const).filter((k) => flags[k] !== undefined);
  if (model === undefined) {
    if (given.length > 0) throw new InputError(`--${given[0] === "longRange" ? "long-range" : "charge"} applies to ECT-EAM models (--model FILE)`);
    return undefined;
  }
  let out = model;
  if (flags.longRange !== undefined) {
    if (!(LONG_RANGE as readonly string[]).includes(flags.longRange)) {
      throw new InputError(`--long-range must be one of ${LONG_RANGE.join(", ")}, got '${flags.longRange}'`);
    }
    out = { ...out, electrostatics: { ...out.electrostatics, longRange: flags.longRange as (typeof LONG_RANGE)[number] } };
  }
  const cutoff = numberOption("--coul-cutoff", flags.coulCutoff, { positive: true });
  if (cutoff !== undefined) out = { ...out, electrostatics: { ...out.electrostatics, cutoff } };
  const charge = numberOption("--charge", flags.charge);
  if (charge !== undefined) out = { ...out, totalCharge: charge };
  return out;
}

/** The model of `--model FILE` with the overrides applied. */
export function loadModel(flags: CalculatorFlags): EctModel {
  return applyModelOverrides(readEctModelFile(flags.model!), flags)!;
}

/** A one-line summary of a model's long range for headers. */
function describeModel(model: EctModel, file: string): string {
  const e = model.electrostatics;
  const q = model.totalCharge !== 0 ? `, total charge ${model.totalCharge} e` : "";
  return `ECT-EAM model ${model.name ?? file} (${e.longRange} long range, cutoff ${e.cutoff} A${q})`;
}

/**
 * Loads the calculator that the flags name: exactly one of --potential (EAM, or with --streitz the
 * EAM part of Streitz-Mintmire) or --model (ECT-EAM).
 */
export async function loadCalculator(flags: CalculatorFlags, command: string): Promise<LoadedCalculator> {
  if ((flags.potential === undefined) === (flags.model === undefined)) {
    throw new InputError(`${command} needs exactly one of --potential FILE (EAM) or --model FILE (ECT-EAM)`);
  }
  const variant = flags.simd === "off" ? "scalar" : flags.simd === undefined || flags.simd === "on" ? "simd" : null;
  if (variant === null) throw new InputError(`--simd must be on or off, got '${flags.simd}'`);
  const skin = numberOption("--skin", flags.skin, { min: 0 });
  const none = () => {};
  if (flags.model === undefined && usesStreitz(flags)) {
    const settings = streitzSettings({ ...flags, input: "", output: "" });
    const eam = loadPotential(flags.potential!, flags.style);
    const params = readStreitzFile(flags.streitz!);
    const calc = await StreitzCalculator.create({ ...settings, eam, streitz: params, engine: { ...settings.engine, variant, skin }, qeqXl: flags.qeqXlShadow ? { shadow: true } : flags.qeqXl ? {} : null });
    calc.onWarning = (m) => stderr().write(`warning: ${m}\n`);
    return {
      calculator: calc,
      kind: "streitz",
      elements: eam.elements.filter((e) => params.bySymbol.has(e)),
      description: `Streitz-Mintmire (${calc.mode} mode) ${eam.source} + ${params.source}, ${calc.summation}`,
      potential: eam,
      // LAMMPS' pair_coeff for eam/alloy sets the per-type masses from the potential file (AlO.eam.alloy:
      // O 16.01 amu); the same here, so trajectories match LAMMPS runs of the same input.
      prepare: (atoms) => {
        atoms.masses = Float64Array.from(atoms.symbols, (s, i) => {
          const k = eam.elements.indexOf(s);
          return k >= 0 ? eam.masses[k] : atoms.masses[i];
        });
      },
    };
  }
  if (flags.potential !== undefined) {
    applyModelOverrides(undefined, flags);
    if (flags.coulCutoff !== undefined) throw new InputError("--coul-cutoff applies to ECT-EAM models (--model FILE) and Streitz-Mintmire (--streitz FILE)");
    const potential = loadPotential(flags.potential, flags.style);
    const calc = await EamCalculator.create(potential, { variant, skin });
    calc.onWarning = (m) => stderr().write(`warning: ${m}\n`);
    return { calculator: calc, kind: "eam", elements: potential.elements.slice(), description: `${potential.source} (${potential.style})`, potential, prepare: none };
  }
  const model = loadModel(flags);
  const calc = await EctCalculator.create(buildEctTables(model), { variant, skin, source: flags.model });
  return { calculator: calc, kind: "ect", elements: model.elements.map((e) => e.symbol), description: describeModel(model, flags.model!), model, prepare: none };
}
