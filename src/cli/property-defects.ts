// `ect-eam property vacancy | surface`: defect energies with relaxed and unrelaxed values.
import type { Command } from "commander";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { InputError } from "../errors.js";
import { checkVacancyStructure, latticeSteps, surfaceSteps, vacancySteps } from "../properties/index.js";
import { drainAsync } from "../optimize/index.js";
import { EV_PER_A2_IN_J_PER_M2 } from "../properties/units.js";
import type { MillerIndex, SlabLattice } from "../structures/slab.js";
import { addCalculatorOptions, addModelOverrideOptions, loadCalculator, type CalculatorFlags } from "./calculator-options.js";
import { numberOption, runCommand } from "./common.js";
import { choiceOption } from "./options.js";
import { progressBar } from "./progress.js";
import { relaxToZeroStress } from "./property-bulk.js";
import { addStructureOptions, loadStructure, numberListOption, resultFrame, type StructureFlags } from "./structure-options.js";
import { stdout, setExitCode } from "./io.js";

interface VacancyFlags extends CalculatorFlags, StructureFlags {
  index: string;
  relax: boolean;
  relaxCell: boolean;
  fmax: string;
  optimizer: string;
  output?: string;
}

interface SurfaceFlags extends CalculatorFlags {
  lattice: string;
  a: string;
  element?: string;
  miller: string;
  layers: string;
  vacuum: string;
  size: string;
  relax: boolean;
  relaxCell: boolean;
  fmax: string;
  optimizer: string;
  output?: string;
}

function optimizerOption(v: string): "fire" | "lbfgs" {
  if (v !== "fire" && v !== "lbfgs") throw new InputError(`--optimizer must be fire or lbfgs, got '${v}'`);
  return v;
}

/**
 * The relaxation options vacancy and surface share: --no-relax, --no-relax-cell (what is used
 * instead of the relaxed cell: `asGiven`), the force criterion, the optimizer and the relaxed output.
 */
function addRelaxationOptions(cmd: Command, asGiven: string, output: string): Command {
  return cmd
    .option("--no-relax", "report only the unrelaxed values")
    .option("--no-relax-cell", `use ${asGiven}`)
    .option("--fmax <eV/A>", "force criterion of the relaxation", "1e-4")
    .addOption(choiceOption("--optimizer <fire|lbfgs>", "optimizer", ["fire", "lbfgs"], "fire"))
    .option("--output <file>", output);
}

/** Registers `vacancy` and `surface` under `property`. */
export function registerDefectProperties(property: Command): void {
  const vacancy = property
    .command("vacancy")
    .description("vacancy formation energy E(N-1) - (N-1)/N E(N), unrelaxed and relaxed (positions, constant volume)")
    .option("--index <i>", "atom to remove, 0-based", "0");
  addRelaxationOptions(vacancy, "the perfect crystal's cell as given instead of relaxing it to zero stress first", "relaxed defect cell as extended XYZ");
  addStructureOptions(vacancy, "3");
  addModelOverrideOptions(addCalculatorOptions(vacancy)).action((o: VacancyFlags) => runCommand(() => runVacancy(o)));

  const surface = property
    .command("surface")
    .description("surface energies of (100), (110), (111) slabs, unrelaxed and relaxed, J/m^2 and eV/A^2")
    .addOption(choiceOption("--lattice <fcc|bcc>", "crystal structure", ["fcc", "bcc"]).makeOptionMandatory())
    .requiredOption("--a <A>", "lattice constant, A (relaxed first unless --no-relax-cell)")
    .option("--element <symbol>", "element (default: the potential's first)")
    .option("--miller <list>", "surfaces, comma-separated", "100,110,111")
    .option("--layers <list>", "slab thicknesses in atomic layers, comma-separated (the last two show convergence)", "8,12,16")
    .option("--vacuum <A>", "box length beyond the slab along the open z direction, A", "10")
    .option("--size <nx,ny>", "in-plane repeats of the smallest surface cell", "1,1");
  addRelaxationOptions(surface, "--a as given instead of the zero-pressure lattice constant", "relaxed slabs as extended XYZ (one frame per slab)");
  addModelOverrideOptions(addCalculatorOptions(surface)).action((o: SurfaceFlags) => runCommand(() => runSurface(o)));
}

async function runVacancy(o: VacancyFlags): Promise<void> {
  const index = numberOption("--index", o.index, { integer: true, min: 0 })!;
  const fmax = numberOption("--fmax", o.fmax, { positive: true })!;
  const optimizer = optimizerOption(o.optimizer);
  checkOutputPaths([["--output", o.output]]);
  const loaded = await loadCalculator(o, "property vacancy");
  const s = loadStructure(o, loaded.elements, "property vacancy");
  const out = stdout();
  // before the crystal's cell relaxation, which can take minutes
  checkVacancyStructure(s.atoms);
  if (index >= s.atoms.length) throw new InputError(`--index ${index}: the structure has ${s.atoms.length} atoms (0-${s.atoms.length - 1})`);
  out.write(`# vacancy in ${s.source} (${s.atoms.length} atoms), ${loaded.description}\n`);
  if (o.relaxCell) {
    const { steps } = await relaxToZeroStress(loaded.calculator, s.atoms);
    out.write(`# perfect crystal relaxed to zero stress in ${steps} steps (volume ${s.atoms.volume().toFixed(6)} A^3)\n`);
  }
  const bar = progressBar("vacancy relaxation", 1000);
  let r;
  try {
    r = await drainAsync(vacancySteps(loaded.calculator, s.atoms, { index, relax: o.relax, relaxOptions: { fmax, optimizer, callback: (st) => bar.update(st.step, `fmax ${st.fmax.toExponential(1)} eV/A`) } }));
  } finally {
    bar.stop();
  }
  out.write(`E(N) = ${r.bulkEnergy.toFixed(8)} eV (N = ${r.atoms})\n`);
  out.write(`E(N-1) unrelaxed = ${r.defectEnergyUnrelaxed.toFixed(8)} eV\n`);
  out.write(`vacancy formation energy, unrelaxed = ${r.unrelaxed.toFixed(6)} eV\n`);
  if (r.relaxation) {
    out.write(`E(N-1) relaxed = ${r.defectEnergyRelaxed.toFixed(8)} eV\n`);
    out.write(`vacancy formation energy, relaxed = ${r.relaxed.toFixed(6)} eV\n`);
    out.write(`# ${optimizer} ${r.relaxation.converged ? "converged" : "did NOT converge"} in ${r.relaxation.steps} steps (fmax ${r.relaxation.fmax.toExponential(2)} eV/A), constant volume\n`);
    if (!r.relaxation.converged) setExitCode(1);
    if (o.output) writeFileAtomic(o.output, resultFrame(r.structure, r.relaxation.results, { vacancy_formation_energy: r.relaxed }), "--output");
  }
  out.write(`# finite-size check: repeat with a larger --repeat; the vacancy interacts with its periodic images\n`);
}

async function runSurface(o: SurfaceFlags): Promise<void> {
  if (o.lattice !== "fcc" && o.lattice !== "bcc") throw new InputError(`--lattice must be fcc or bcc for surfaces, got '${o.lattice}'`);
  const structure = o.lattice as SlabLattice;
  let a = numberOption("--a", o.a, { positive: true })!;
  const fmax = numberOption("--fmax", o.fmax, { positive: true })!;
  const optimizer = optimizerOption(o.optimizer);
  const vacuum = numberOption("--vacuum", o.vacuum, { min: 0 })!;
  const layersList = numberListOption("--layers", o.layers)!;
  if (layersList.some((l) => !Number.isInteger(l) || l < 1)) throw new InputError(`--layers expects positive integers, got '${o.layers}'`);
  const size = numberListOption("--size", o.size, 2)!;
  if (size.some((l) => !Number.isInteger(l) || l < 1)) throw new InputError(`--size expects two positive integers, got '${o.size}'`);
  const millers = o.miller.split(",").map((m) => m.trim().replace(/[()]/g, ""));
  for (const m of millers) if (!["100", "110", "111"].includes(m)) throw new InputError(`--miller: surface '${m}' is not built (choose 100, 110, 111)`);
  checkOutputPaths([["--output", o.output]]);
  const loaded = await loadCalculator(o, "property surface");
  const element = o.element ?? loaded.elements[0];
  const out = stdout();
  out.write(`# surface energies of ${structure} ${element}, ${loaded.description}\n`);
  if (o.relaxCell) {
    a = (await drainAsync(latticeSteps(loaded.calculator, element, structure, a))).a0;
    out.write(`# zero-pressure lattice constant a0 = ${a.toFixed(6)} A\n`);
  } else {
    out.write(`# lattice constant a = ${a} A as given\n`);
  }
  out.write("miller,layers,atoms,area_A2,unrelaxed_J_m2,relaxed_J_m2,unrelaxed_eV_A2,relaxed_eV_A2,steps,converged\n");
  const frames: string[] = [];
  const notes: string[] = [];
  let failed = false;
  const bar = progressBar("surface", millers.length * layersList.length, "slabs");
  let slabs = 0;
  try {
    for (const m of millers) {
      const rows: number[] = [];
      for (const layers of layersList) {
        const r = await drainAsync(surfaceSteps(loaded.calculator, element, structure, a, m as MillerIndex, {
          layers, vacuum, repeat: [size[0], size[1]], relax: o.relax, relaxOptions: { fmax, optimizer },
        }));
        bar.update(++slabs);
        const converged = r.relaxation ? r.relaxation.converged : true;
        failed ||= !converged;
        bar.around(() => out.write([m, layers, r.atoms, r.area.toFixed(6), r.unrelaxedJm2.toFixed(6), o.relax ? r.relaxedJm2.toFixed(6) : "",
          r.unrelaxed.toFixed(8), o.relax ? r.relaxed.toFixed(8) : "", r.relaxation?.steps ?? 0, converged].join(",") + "\n"));
        rows.push(o.relax ? r.relaxedJm2 : r.unrelaxedJm2);
        if (o.output && r.relaxation) frames.push(resultFrame(r.structure, r.relaxation.results, { surface_energy_J_m2: r.relaxedJm2 }));
      }
      if (rows.length >= 2) {
        const d = rows[rows.length - 1] - rows[rows.length - 2];
        notes.push(`(${m}): ${layersList[layersList.length - 2]} -> ${layersList[layersList.length - 1]} layers changes gamma by ${d.toExponential(2)} J/m^2 (${((100 * d) / rows[rows.length - 1]).toExponential(2)} %)`);
      }
    }
  } finally {
    bar.stop();
  }
  for (const n of notes) out.write(`# thickness convergence ${n}\n`);
  if (notes.length === 0) out.write("# give two or more --layers values to see how the slab thickness converges\n");
  out.write(`# gamma = (E_slab - N e_bulk) / (2 A); 1 eV/A^2 = ${EV_PER_A2_IN_J_PER_M2} J/m^2\n`);
  if (o.output) writeFileAtomic(o.output, frames.join(""), "--output");
  if (failed) setExitCode(1);
}
