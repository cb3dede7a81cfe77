/**
 * `--potential FILE` or `--model FILE`: the calculator every toolkit command (relax, property,
 * export-lammps, md with a thermostat) runs on, so each works with EAM and ECT-EAM alike.
 */
import type { Command } from "commander";
import { EamCalculator } from "../engine/calculator.js";
import { EctCalculator } from "../ect/calculator.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { InputError } from "../errors.js";
import type { Calculator } from "../calculators/protocol.js";
import type { EamPotential } from "../potentials/types.js";
import type { EctModel } from "../ect/model.js";
import { loadPotential } from "./common.js";

/** The flags `addCalculatorOptions` registers, as commander names them. */
export interface CalculatorFlags {
  potential?: string;
  model?: string;
  style?: string;
  simd?: string;
  skin?: string;
}

/** A loaded calculator with what commands need to know about it. */
export interface LoadedCalculator {
  calculator: Calculator;
  /** Element symbols the potential or model covers, in its order. */
  elements: string[];
  /** One line for headers: file and kind. */
  description: string;
  /** Exactly one of these is set. */
  potential?: EamPotential;
  model?: EctModel;
}

/** Registers --potential, --model, --style and --simd on a command. */
export function addCalculatorOptions(cmd: Command): Command {
  return cmd
    .option("--potential <file>", "EAM potential (.eam funcfl, .eam.alloy setfl, .eam.fs Finnis-Sinclair)")
    .option("--model <file>", "ECT-EAM model (JSON)")
    .option("--style <style>", "eam | eam/alloy | eam/fs (default: from the potential file name)")
    .option("--simd <on|off>", "use the SIMD kernels (default on)", "on");
}

/** Loads the calculator that the flags name; exactly one of --potential or --model is required. */
export async function loadCalculator(flags: CalculatorFlags, command: string): Promise<LoadedCalculator> {
  if ((flags.potential === undefined) === (flags.model === undefined)) {
    throw new InputError(`${command} needs exactly one of --potential FILE (EAM) or --model FILE (ECT-EAM)`);
  }
  const variant = flags.simd === "off" ? "scalar" : "simd";
  const skin = flags.skin === undefined ? undefined : Number(flags.skin);
  if (flags.potential !== undefined) {
    const potential = loadPotential(flags.potential, flags.style);
    const calc = await EamCalculator.create(potential, { variant, skin });
    calc.onWarning = (m) => process.stderr.write(`warning: ${m}\n`);
    return { calculator: calc, elements: potential.elements.slice(), description: `${potential.source} (${potential.style})`, potential };
  }
  const model = readEctModelFile(flags.model!);
  const calc = await EctCalculator.create(buildEctTables(model), { variant, skin, source: flags.model });
  return { calculator: calc, elements: model.elements.map((e) => e.symbol), description: `ECT-EAM model ${model.name ?? flags.model}`, model };
}
