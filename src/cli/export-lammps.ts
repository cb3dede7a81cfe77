import type { Command } from "commander";
import { checkOutputDir, writeFileAtomic } from "../io/output-file.js";
import { join } from "node:path";
import { EctCalculator } from "../ect/calculator.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { InputError } from "../errors.js";
import { readStructureFile } from "../io/structure-file.js";
import { exportEamLammps, exportEctLammps, type LammpsExport } from "../export/lammps.js";
import { exportStreitzLammps } from "../export/streitz.js";
import { StreitzCalculator } from "../streitz/calculator.js";
import { readStreitzFile } from "../streitz/params-file.js";
import { addStreitzOptions, streitzSettings, usesStreitz, type StreitzFlags } from "./streitz.js";
import { checkStructure } from "./sanity.js";
import type { LongRangeExport } from "../export/ect-frozen.js";
import { addCalculatorOptions } from "./calculator-options.js";
import { choiceOption } from "./options.js";
import { loadPotential, numberOption, runCommand, speciesOption } from "./common.js";
import { stderr, commandArgs } from "./io.js";

const LONG_RANGE: LongRangeExport[] = ["dsf", "coul-dsf", "ewald", "cut"];

interface ExportFlags extends StreitzFlags {
  potential?: string;
  model?: string;
  style?: string;
  simd?: string;
  input: string;
  outputDir: string;
  longRange?: string;
  typeTolerance?: string;
  maxTypes?: string;
  frame: string;
  species?: string;
}

/**
 * `ect-eam export-lammps`: a LAMMPS run directory (potential table, data file, input script,
 * README.txt) that reproduces this package's energy and forces for a structure; ECT-EAM models are
 * exported in the fixed-charge limit (docs/export-lammps.md).
 */
export function registerExportLammps(program: Command): void {
  const cmd = program
    .command("export-lammps")
    .description("write a LAMMPS run (setfl table, data file, input script) reproducing this package's energy and forces; ECT-EAM at frozen charges")
    .requiredOption("--input <file>", "structure: extended XYZ or LAMMPS data file")
    .requiredOption("--output-dir <dir>", "directory for potential.eam.alloy (or .eam.fs), data.lmp, in.lammps, README.txt")
    .addOption(choiceOption("--long-range <kind>", "ECT-EAM point charges in LAMMPS: dsf (folded into the tables), coul-dsf, ewald or cut (default: the model's own)", LONG_RANGE))
    .option("--type-tolerance <w>", "ECT-EAM: atoms of one element whose weights differ by at most this share a LAMMPS type", "1e-9")
    .option("--max-types <n>", "ECT-EAM: refuse to write more atom types than this", "24")
    .option("--frame <k>", "frame of a multi-frame input (0-based)", "0")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated");
  addStreitzOptions(addCalculatorOptions(cmd)).action((opts: ExportFlags) => runCommand(() => exportLammps(opts)));
}

async function exportLammps(opts: ExportFlags): Promise<void> {
  if ((opts.potential === undefined) === (opts.model === undefined)) {
    throw new InputError("export-lammps needs exactly one of --potential FILE (EAM) or --model FILE (ECT-EAM)");
  }
  checkOutputDir(opts.outputDir, "--output-dir");
  const frames = readStructureFile(opts.input, speciesOption(opts.species));
  const k = numberOption("--frame", opts.frame, { integer: true, min: 0 })!;
  if (k >= frames.length) throw new InputError(`--frame ${k}: the input has ${frames.length} frame(s)`, { file: opts.input });
  const atoms = frames[k];
  const command = `ect-eam export-lammps ${commandArgs().slice(1).join(" ")}`;
  let ex: LammpsExport;
  if (usesStreitz(opts)) {
    if (opts.longRange !== undefined) throw new InputError("--long-range applies to ECT-EAM models (--model) only; Streitz-Mintmire takes --summation");
    const settings = streitzSettings({ ...opts, input: opts.input, output: "" });
    const eam = loadPotential(opts.potential!, opts.style);
    const params = readStreitzFile(opts.streitz!);
    const calc = await StreitzCalculator.create({ ...settings, eam, streitz: params });
    calc.onWarning = (m) => stderr().write(`warning: ${m}\n`);
    // LAMMPS takes the masses from the eam/alloy file; the same here
    atoms.masses = Float64Array.from(atoms.symbols, (s, i) => (eam.elements.includes(s) ? eam.masses[eam.elements.indexOf(s)] : atoms.masses[i]));
    const r = calc.calculate(atoms, opts.input);
    checkStructure(calc, opts.input);
    ex = exportStreitzLammps(eam, params, { ...calc.settings, summation: calc.summation, mode: calc.mode, ewald: r.ewald }, atoms, r.charges, {
      command, source: `${opts.potential} + ${opts.streitz}`, structure: opts.input, energy: r.energy,
    });
    stderr().write(`Streitz-Mintmire: E = ${r.energy.toFixed(10)} eV, charges ${Math.min(...r.charges).toFixed(6)} .. ${Math.max(...r.charges).toFixed(6)} e\n`);
  } else if (opts.potential !== undefined) {
    if (opts.longRange !== undefined) throw new InputError("--long-range applies to ECT-EAM models (--model) only");
    const pot = loadPotential(opts.potential, opts.style);
    ex = exportEamLammps(pot, atoms, { command, source: opts.potential, structure: opts.input });
  } else {
    if (opts.coulCutoff !== undefined) throw new InputError("--coul-cutoff applies to Streitz-Mintmire (--streitz FILE); an ECT-EAM export takes the model's own cutoff");
    const longRange = opts.longRange as LongRangeExport | undefined;
    if (longRange !== undefined && !LONG_RANGE.includes(longRange)) {
      throw new InputError(`--long-range must be one of ${LONG_RANGE.join(", ")}, got '${opts.longRange}'`);
    }
    const tolerance = numberOption("--type-tolerance", opts.typeTolerance, { min: 0 })!;
    const maxTypes = numberOption("--max-types", opts.maxTypes, { integer: true, min: 1 })!;
    const model = readEctModelFile(opts.model!);
    const tables = buildEctTables(model);
    const calc = await EctCalculator.create(tables, { variant: opts.simd === "off" ? "scalar" : "simd", source: opts.model });
    const r = calc.calculate(atoms, opts.input);
    ex = exportEctLammps(
      tables,
      atoms,
      r.weights,
      { command, source: opts.model!, structure: opts.input, energy: r.energy, grandPotential: r.grandPotential },
      { longRange, tolerance, maxTypes },
    );
    const f = ex.frozen!;
    stderr().write(
      `ECT-EAM: E = ${r.energy.toFixed(10)} eV, Omega = ${r.grandPotential.toFixed(10)} eV; ${f.types.length} atom type(s), long range ${f.longRange}${f.exact ? "" : " (not exact: see README.txt)"}\n`,
    );
    for (const n of f.notes) stderr().write(`note: ${n}\n`);
  }
  for (const [name, text] of Object.entries(ex.files)) writeFileAtomic(join(opts.outputDir, name), text, "--output-dir");
  stderr().write(`wrote ${Object.keys(ex.files).join(", ")} to ${opts.outputDir}; run: cd ${opts.outputDir} && lmp -in in.lammps\n`);
}
