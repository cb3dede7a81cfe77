import type { Command } from "commander";
import { EamCalculator } from "../eam/calculator.js";
import { readStructureFile } from "../io/structure-file.js";
import { formatExtxyz } from "../io/extxyz.js";
import { Atoms } from "../atoms.js";
import { electronDensityGrid } from "../ect/density-grid.js";
import { formatCube } from "../io/cube.js";
import { InputError } from "../errors.js";
import { qeqCalculate, qeqFromEctModel } from "../ect/qeq.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { EctCalculator, MAX_STATES } from "../ect/calculator.js";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { setEnergies, voigtToFull, withoutResults } from "../io/result-frame.js";
import { loadPotential, numberOption, packagePath, runCommand, speciesOption } from "./common.js";
import { addModelOverrideOptions, loadModel, type CalculatorFlags } from "./calculator-options.js";
import { checkStructure } from "./sanity.js";
import { simdOption, styleOption } from "./options.js";
import { addStreitzOptions, evalStreitz, usesStreitz } from "./streitz.js";
import { stderr } from "./io.js";

/** `ect-eam eval`: energy, forces, per-atom energies, virial and stress of every input frame. */
export function registerEval(program: Command): void {
  const cmd = program
    .command("eval")
    .description("evaluate energy, forces, per-atom energies, virial and stress of every frame")
    .option("--potential <file>", "EAM potential (.eam funcfl, .eam.alloy setfl, .eam.fs Finnis-Sinclair)")
    .option("--model <file>", "ECT-EAM model (JSON): also writes charges, weights, omega= and mu=; 'qeq' selects the QEq baseline")
    .option("--cube <file>", "with --model: write each frame's valence electron density as a Gaussian cube file (frame k > 0 gets -k before .cube)")
    .option("--cube-spacing <A>", "grid spacing of --cube, A", "0.2")
    .option("--qeq-from <file>", "with --model qeq: the ECT model whose atomic data (IP, EA) set chi and J", "")
    .requiredOption("--input <file>", "structure(s): extended XYZ (all frames) or LAMMPS data file (.data, .lmp)")
    .requiredOption("--output <file>", "extended XYZ output")
    .addOption(styleOption())
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .addOption(simdOption())
    .action((opts) =>
      runCommand(async () => {
        checkOutputPaths([["--output", opts.output], ["--cube", opts.cube]]);
        if (usesStreitz(opts)) return evalStreitz(opts); // --streitz (Streitz-Mintmire): src/cli/streitz.ts
        if ((opts.potential === undefined) === (opts.model === undefined)) {
          throw new InputError("eval needs exactly one of --potential FILE (EAM) or --model FILE (ECT-EAM)");
        }
        if (opts.model === "qeq") return evalQeq(opts);
        if (opts.model !== undefined) return evalEct(opts);
        if (opts.longRange !== undefined) throw new InputError("--long-range applies to ECT-EAM models (--model FILE)");
        const pot = loadPotential(opts.potential, opts.style);
        const frames = readStructureFile(opts.input, speciesOption(opts.species));
        const calc = await EamCalculator.create(pot, { variant: opts.simd === "off" ? "scalar" : "simd" });
        calc.onWarning = (m) => stderr().write(`warning: ${m}\n`);
        const out: Atoms[] = [];
        frames.forEach((atoms, k) => {
          const where = frames.length > 1 ? `${opts.input} frame ${k}` : opts.input;
          const r = calc.calculate(atoms, where);
          checkStructure(calc, where);
          const a = withoutResults(atoms);
          setEnergies(a, r.energy);
          if (r.stress) a.info.stress = voigtToFull(r.stress);
          a.info.virial = Array.from(r.virial);
          if (r.offTableDensities > 0) a.info.off_table_densities = r.offTableDensities;
          a.arrays.forces = { kind: "R", ncols: 3, data: r.forces };
          a.arrays.energies = { kind: "R", ncols: 1, data: r.energies };
          out.push(a);
          stderr().write(`frame ${k}: ${atoms.length} atoms, energy ${r.energy.toFixed(10)} eV\n`);
        });
        writeFileAtomic(opts.output, formatExtxyz(out), "--output");
      }),
    );
  addStreitzOptions(cmd);
  addModelOverrideOptions(cmd, { coulCutoff: false, charge: true });
}

/** The bundled starter model, next to the package (dist/cli.js -> models/). */
function bundledStarterModel(): string {
  return packagePath("models/ect-starter.json");
}

/** QEq baseline (chi = (IP+EA)/2, J = IP-EA, shielded Coulomb) for clusters: charges, energy, forces. */
async function evalQeq(opts: { input: string; output: string; species?: string; qeqFrom: string }): Promise<void> {
  const params = qeqFromEctModel(readEctModelFile(opts.qeqFrom || bundledStarterModel()));
  const frames = readStructureFile(opts.input, speciesOption(opts.species));
  const out = frames.map((atoms, k) => {
    const r = qeqCalculate(atoms, params);
    const a = withoutResults(atoms);
    setEnergies(a, r.energy);
    a.info.chi = r.chi;
    a.info.dipole = r.dipole;
    a.arrays.forces = { kind: "R", ncols: 3, data: r.forces };
    a.arrays.charges = { kind: "R", ncols: 1, data: r.charges };
    stderr().write(`frame ${k}: ${atoms.length} atoms, QEq energy ${r.energy.toFixed(10)} eV\n`);
    return a;
  });
  writeFileAtomic(opts.output, formatExtxyz(out), "--output");
}

async function evalEct(opts: CalculatorFlags & { model: string; input: string; output: string; species?: string; simd: string; cube?: string; cubeSpacing: string }): Promise<void> {
  const model = loadModel(opts);
  const spacing = numberOption("--cube-spacing", opts.cubeSpacing, { positive: true })!;
  const frames = readStructureFile(opts.input, speciesOption(opts.species));
  const calc = await EctCalculator.create(buildEctTables(model), { variant: opts.simd === "off" ? "scalar" : "simd", source: opts.model });
  const out: Atoms[] = [];
  frames.forEach((atoms, k) => {
    // Every frame from a cold start: results do not depend on the order of the frames (as in the
    // worker pool); `md` and `latent --follow` are the warm-start paths.
    calc.engine.coldStart();
    const where = frames.length > 1 ? `${opts.input} frame ${k}` : opts.input;
    const r = calc.calculate(atoms, where);
    checkStructure(calc, where);
    const a = withoutResults(atoms);
    setEnergies(a, r.energy, r.grandPotential);
    a.info.mu = r.mu;
    a.info.dipole = r.dipole;
    a.info.solver_iterations = r.iterations;
    if (r.stress) a.info.stress = voigtToFull(r.stress);
    a.info.virial = Array.from(r.virial);
    a.arrays.forces = { kind: "R", ncols: 3, data: r.forces };
    a.arrays.energies = { kind: "R", ncols: 1, data: r.energies };
    a.arrays.charges = { kind: "R", ncols: 1, data: r.charges };
    a.arrays.weights = { kind: "R", ncols: MAX_STATES, data: r.weights };
    a.arrays.host_density = { kind: "R", ncols: 1, data: r.hostDensities };
    a.arrays.electronegativity = { kind: "R", ncols: 1, data: r.electronegativities };
    out.push(a);
    if (opts.cube) {
      const name = k === 0 ? opts.cube : opts.cube.replace(/(\.cube)?$/, `-${k}.cube`);
      const grid = electronDensityGrid(model, atoms, r.weights, { spacing });
      writeFileAtomic(name, formatCube(grid, atoms, { comment: `ECT-EAM valence electron density, ${model.name ?? opts.model}, frame ${k}`, charges: r.charges }), "--cube");
    }
    stderr().write(`frame ${k}: ${atoms.length} atoms, energy ${r.energy.toFixed(10)} eV, omega ${r.grandPotential.toFixed(10)} eV, ${r.iterations} solver iterations\n`);
  });
  writeFileAtomic(opts.output, formatExtxyz(out), "--output");
}
