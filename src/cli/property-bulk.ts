// `ect-eam property eos | lattice | elastic`: bulk properties of a periodic structure.
import type { Command } from "commander";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import type { Atoms } from "../atoms.js";
import type { Calculator } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import { CellFilter, drainAsync, lbfgsSteps } from "../optimize/index.js";
import { birchMurnaghanEnergy, elasticConstantsSteps, equationOfStateSteps, latticeSteps } from "../properties/index.js";
import { EV_PER_A3_IN_BAR, EV_PER_A3_IN_GPA } from "../properties/units.js";
import type { CrystalStructure } from "../structures/lattice.js";
import { addCalculatorOptions, addModelOverrideOptions, loadCalculator, type CalculatorFlags } from "./calculator-options.js";
import { numberOption, runCommand } from "./common.js";
import { linePlotsSvg } from "./plot.js";
import { addStructureOptions, crystalElements, loadStructure, type StructureFlags } from "./structure-options.js";
import { choiceOption, CUBIC } from "./options.js";
import { progressBar } from "./progress.js";
import { stdout, stderr } from "./io.js";

/**
 * Relaxes cell and positions to zero stress (L-BFGS, stress residual < 1e-7 eV/A^3 = 0.16 bar),
 * giving the event loop turns (Ctrl-C) as it goes.
 */
export async function relaxToZeroStress(calculator: Calculator, atoms: Atoms): Promise<{ steps: number }> {
  const filter = new CellFilter(atoms, calculator);
  const bar = progressBar("cell relaxation", 2000);
  let r;
  try {
    r = await drainAsync(lbfgsSteps(filter, { fmax: 1e-5, smax: 1e-7, steps: 2000, callback: (s) => bar.update(s.step, `stress ${s.stressResidual.toExponential(1)} eV/A^3`) }));
  } finally {
    bar.stop();
  }
  if (!r.converged) {
    throw new CalculationFailed(`relaxing the cell to zero stress did not converge in ${r.steps} steps (fmax ${r.fmax} eV/A, stress residual ${r.stressResidual} eV/A^3); pass --no-relax-cell to skip it`);
  }
  return { steps: r.steps };
}

interface EosFlags extends CalculatorFlags, StructureFlags {
  strain: string;
  points: string;
  relax?: boolean;
  csv?: string;
  plot?: string;
}

interface ElasticFlags extends CalculatorFlags, StructureFlags {
  strain: string;
  relax: boolean;
  relaxCell: boolean;
}

/** Registers the bulk subcommands under `property`. */
export function registerBulkProperties(property: Command): void {
  const eos = property
    .command("eos")
    .description("energy-volume scan with a third-order Birch-Murnaghan fit: V0, E0, B0 (GPa), B0', a0, cohesive energy")
    .option("--strain <x>", "largest linear strain of the scan, +-", "0.04")
    .option("--points <n>", "number of volumes", "11")
    .option("--relax", "relax atomic positions at each volume")
    .option("--csv <file>", "write the scan as CSV (scale, volume A^3, energy eV, BM3 fit eV)")
    .option("--plot <file>", "write E(V) with the fit as SVG");
  addStructureOptions(eos);
  addModelOverrideOptions(addCalculatorOptions(eos)).action((o: EosFlags) => runCommand(() => runEos(o)));

  const lattice = property
    .command("lattice")
    .description("lattice constant and cohesive energy of a cubic crystal (isotropic cell relaxation)")
    .addOption(choiceOption("--lattice <fcc|bcc|sc|diamond|rocksalt>", "crystal structure", CUBIC).makeOptionMandatory())
    .requiredOption("--a <A>", "starting lattice constant, A")
    .option("--element <symbols>", "element (default: the potential's first); rocksalt: cation,anion (e.g. Na,Cl)")
    .option("--pressure <bar>", "target pressure, bar", "0");
  addModelOverrideOptions(addCalculatorOptions(lattice)).action((o: CalculatorFlags & { lattice: string; a: string; element?: string; pressure: string }) =>
    runCommand(async () => {
      const loaded = await loadCalculator(o, "property lattice");
      const a = numberOption("--a", o.a, { positive: true })!;
      const p = numberOption("--pressure", o.pressure)! / EV_PER_A3_IN_BAR;
      const structure = o.lattice as CrystalStructure;
      const els = crystalElements(o.element, structure, loaded.elements);
      const bar = progressBar("lattice", 200);
      let r;
      try {
        r = await drainAsync(latticeSteps(loaded.calculator, els, structure, a, { pressure: p, onStep: (k) => bar.update(k) }));
      } finally {
        bar.stop();
      }
      const out = stdout();
      out.write(`# ${o.lattice} ${els.join("")}, ${loaded.description}\n`);
      out.write(`a0 = ${r.a0.toFixed(6)} A\nenergy per atom = ${r.energyPerAtom.toFixed(6)} eV\ncohesive energy = ${r.cohesiveEnergy.toFixed(6)} eV/atom\n`);
      if (structure === "rocksalt") out.write(`cohesive energy = ${(2 * r.cohesiveEnergy).toFixed(6)} eV per formula unit ${els.join("")}\n`);
      out.write(`# residual pressure ${(r.pressureGPa * 1e4).toExponential(3)} bar after ${r.steps} L-BFGS steps\n`);
    }),
  );

  const elastic = property
    .command("elastic")
    .description("elastic constants C_ij (GPa) by central differences of the stress; cubic C11, C12, C44 and B")
    .option("--strain <x>", "strain of each finite difference, +-", "0.005")
    .option("--no-relax", "do not relax atomic positions in the strained cells (clamped-ion constants)")
    .option("--no-relax-cell", "use the cell as given instead of relaxing it to zero stress first");
  addStructureOptions(elastic);
  addModelOverrideOptions(addCalculatorOptions(elastic)).action((o: ElasticFlags) => runCommand(() => runElastic(o)));
}

async function runEos(o: EosFlags): Promise<void> {
  const strain = numberOption("--strain", o.strain, { positive: true })!;
  const points = numberOption("--points", o.points, { integer: true, min: 5 })!;
  checkOutputPaths([["--csv", o.csv], ["--plot", o.plot]]);
  const loaded = await loadCalculator(o, "property eos");
  const s = loadStructure(o, loaded.elements, "property eos");
  const bar = progressBar("eos", points, "volumes");
  let r;
  try {
    r = await drainAsync(equationOfStateSteps(loaded.calculator, s.atoms, { strain, points, relax: o.relax, latticeConstant: s.lattice?.a, onProgress: (k) => bar.update(k) }));
  } finally {
    bar.stop();
  }
  const out = stdout();
  const f = r.fit;
  out.write(`# equation of state of ${s.source} (${r.atoms} atoms), ${loaded.description}\n`);
  out.write(`# third-order Birch-Murnaghan fit over linear strain +-${strain}, ${points} points (rms ${f.rms.toExponential(2)} eV)\n`);
  out.write(`V0 = ${f.v0.toFixed(6)} A^3 (${r.v0PerAtom.toFixed(6)} A^3/atom)\n`);
  out.write(`E0 = ${f.e0.toFixed(6)} eV (${r.e0PerAtom.toFixed(6)} eV/atom)\n`);
  out.write(`B0 = ${r.b0GPa.toFixed(3)} GPa (${(r.b0GPa / 100).toFixed(4)} Mbar)\n`);
  out.write(`B0' = ${f.b0Prime.toFixed(4)}\n`);
  if (r.a0 !== undefined) out.write(`a0 = ${r.a0.toFixed(6)} A\n`);
  else out.write(`equilibrium linear scale of the input cell = ${r.scale0.toFixed(6)}\n`);
  out.write(`cohesive energy = ${r.cohesiveEnergy.toFixed(6)} eV/atom\n`);
  const vmin = Math.min(...r.volumes), vmax = Math.max(...r.volumes);
  if (f.v0 < vmin || f.v0 > vmax) stderr().write(`warning: V0 = ${f.v0} A^3 is outside the scanned volumes [${vmin}, ${vmax}]; shift the scan\n`);
  if (o.csv) {
    const rows = r.volumes.map((v, k) => `${r.scales[k]},${v},${r.energies[k]},${birchMurnaghanEnergy(f, v)}`);
    writeFileAtomic(o.csv, ["scale,volume_A3,energy_eV,bm3_fit_eV", ...rows].join("\n") + "\n", "--csv");
  }
  if (o.plot) {
    const fine = Array.from({ length: 101 }, (_, k) => vmin + ((vmax - vmin) * k) / 100);
    const svg = await linePlotsSvg(
      [{
        title: `E(V): B0 = ${r.b0GPa.toFixed(1)} GPa, V0 = ${f.v0.toFixed(3)} A^3`,
        yTitle: "energy (eV)",
        series: [
          { label: "computed", points: r.volumes.map((v, k) => [v, r.energies[k]]) },
          { label: "Birch-Murnaghan fit", points: fine.map((v) => [v, birchMurnaghanEnergy(f, v)]) },
        ],
      }],
      "volume (A^3)",
    );
    writeFileAtomic(o.plot, svg, "--plot");
  }
}

async function runElastic(o: ElasticFlags): Promise<void> {
  const strain = numberOption("--strain", o.strain, { positive: true })!;
  const loaded = await loadCalculator(o, "property elastic");
  const s = loadStructure(o, loaded.elements, "property elastic");
  const out = stdout();
  out.write(`# elastic constants of ${s.source} (${s.atoms.length} atoms), ${loaded.description}\n`);
  if (o.relaxCell) {
    const { steps } = await relaxToZeroStress(loaded.calculator, s.atoms);
    const c = s.atoms.cell;
    out.write(`# cell relaxed to zero stress in ${steps} steps; lengths ${[0, 1, 2].map((k) => Math.hypot(c[3 * k], c[3 * k + 1], c[3 * k + 2]).toFixed(6)).join(" ")} A\n`);
  }
  const bar = progressBar("elastic", 13, "strains");
  let r;
  try {
    r = await drainAsync(elasticConstantsSteps(loaded.calculator, s.atoms, { strain, relax: o.relax, onProgress: (k) => bar.update(k) }));
  } finally {
    bar.stop();
  }
  const s0 = Math.max(...r.stress0.map(Math.abs));
  if (s0 * EV_PER_A3_IN_GPA > 0.01) {
    stderr().write(`warning: the unstrained structure is under stress (max |sigma| = ${(s0 * EV_PER_A3_IN_GPA).toFixed(3)} GPa); C_ij are then not the elastic constants of the relaxed crystal\n`);
  }
  out.write(`# central differences +-${strain}, ${o.relax ? "ions relaxed" : "clamped ions"}; C_ij in GPa, Voigt order xx yy zz yz xz xy (symmetrized)\n`);
  for (const row of r.c) out.write(row.map((x) => x.toFixed(3).padStart(11)).join(" ") + "\n");
  if (!Number.isFinite(r.cubic.c11)) throw new InputError("elastic constants are not finite");
  out.write(`C11 = ${r.cubic.c11.toFixed(3)} GPa\nC12 = ${r.cubic.c12.toFixed(3)} GPa\nC44 = ${r.cubic.c44.toFixed(3)} GPa\n`);
  out.write(`B = (C11 + 2 C12)/3 = ${r.cubic.bulkModulus.toFixed(3)} GPa\n`);
  out.write(`# cubic averages over equivalent entries; meaningful for cubic crystals\n`);
}
