import type { Command } from "commander";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { formatExtxyz } from "../io/extxyz.js";
import { InputError } from "../errors.js";
import { readStructureFile } from "../io/structure-file.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { EctCalculator, MAX_STATES } from "../ect/calculator.js";
import { runCommand, speciesOption } from "./common.js";
import { stdout } from "./io.js";

/**
 * `ect-eam latent`: the per-atom latent vectors of an ECT-EAM model along a trajectory or scan:
 * state weights, charge, host density and local electronegativity, frame by frame.
 */
export function registerLatent(program: Command): void {
  program
    .command("latent")
    .description("per-atom latent vectors (state weights, charge, host density, electronegativity) of every frame")
    .requiredOption("--model <file>", "ECT-EAM model (JSON)")
    .requiredOption("--input <file>", "frames: extended XYZ (a trajectory or a scan) or a LAMMPS data file")
    .option("--output <file>", "extended XYZ with the latent columns added")
    .option("--csv <file>", "one row per atom and frame")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .option("--follow", "warm-start each frame from the previous one (a trajectory); default: ground state per frame")
    .action((opts) => runCommand(() => runLatent(opts)));
}

async function runLatent(opts: { model: string; input: string; output?: string; csv?: string; species?: string; follow?: boolean }): Promise<void> {
  checkOutputPaths([["--output", opts.output], ["--csv", opts.csv]]);
  const model = readEctModelFile(opts.model);
  const tables = buildEctTables(model);
  const frames = readStructureFile(opts.input, speciesOption(opts.species));
  if (frames.length === 0) throw new InputError("no frames", { file: opts.input });
  const calc = await EctCalculator.create(tables, { source: opts.model });
  const out = stdout();
  const stateNames = (el: string) => tables.states[tables.elements.indexOf(el)]?.map((s) => s.name) ?? [];
  const csv: string[] = ["frame,atom,species,charge_e,host_density,electronegativity_eV," + Array.from({ length: MAX_STATES }, (_, m) => `state${m},w${m}`).join(",")];
  const written = frames.map((atoms, k) => {
    if (!opts.follow) calc.engine.coldStart();
    const r = calc.calculate(atoms, frames.length > 1 ? `${opts.input} frame ${k}` : opts.input);
    out.write(`# frame ${k}: E ${r.energy.toFixed(6)} eV, Omega ${r.grandPotential.toFixed(6)} eV, mu ${r.mu.toFixed(4)} eV, ${r.iterations} solver iterations\n`);
    for (let i = 0; i < atoms.length; i++) {
      const names = stateNames(atoms.symbols[i]);
      const w = Array.from({ length: MAX_STATES }, (_, m) => r.weights[i * MAX_STATES + m]);
      const states = names.map((n, m) => `${n}=${w[m].toFixed(6)}`).join(" ");
      out.write(
        `${String(i).padStart(6)} ${atoms.symbols[i].padEnd(3)} q=${r.charges[i].toFixed(6).padStart(10)} rho=${r.hostDensities[i].toExponential(4)} chi=${r.electronegativities[i].toFixed(4)}  ${states}\n`,
      );
      csv.push([k, i, atoms.symbols[i], r.charges[i], r.hostDensities[i], r.electronegativities[i], ...w.flatMap((v, m) => [names[m] ?? "", v])].join(","));
    }
    const a = atoms.copy();
    a.info.energy = r.energy;
    a.info.omega = r.grandPotential;
    a.info.mu = r.mu;
    a.arrays.charges = { kind: "R", ncols: 1, data: r.charges };
    a.arrays.weights = { kind: "R", ncols: MAX_STATES, data: r.weights };
    a.arrays.host_density = { kind: "R", ncols: 1, data: r.hostDensities };
    a.arrays.electronegativity = { kind: "R", ncols: 1, data: r.electronegativities };
    return a;
  });
  if (opts.csv) writeFileAtomic(opts.csv, csv.join("\n") + "\n", "--csv");
  if (opts.output) writeFileAtomic(opts.output, formatExtxyz(written), "--output");
}
