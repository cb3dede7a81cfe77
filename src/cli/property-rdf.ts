// `ect-eam property rdf`: radial distribution functions of a structure or a trajectory.
import type { Command } from "commander";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { readStructureFile } from "../io/structure-file.js";
import { radialDistribution } from "../properties/index.js";
import { bulk, type CubicStructure } from "../structures/lattice.js";
import { numberOption, runCommand, speciesOption } from "./common.js";
import { linePlotsSvg } from "./plot.js";
import { choiceOption, CUBIC } from "./options.js";
import { stdout } from "./io.js";

interface RdfFlags {
  input?: string;
  species?: string;
  lattice?: string;
  a?: string;
  repeat: string;
  element?: string;
  skip: string;
  stride: string;
  rmax: string;
  bins: string;
  csv?: string;
  plot?: string;
}

/** Registers `rdf` under `property`. */
export function registerRdfProperty(property: Command): void {
  property
    .command("rdf")
    .description("radial distribution function g(r) (total and partial g_ab) of a structure or of every frame of a trajectory")
    .option("--input <file>", "extended XYZ (all frames are averaged) or LAMMPS data file")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .addOption(choiceOption("--lattice <fcc|bcc|sc|diamond>", "build a cubic crystal instead of --input", CUBIC))
    .option("--a <A>", "lattice constant for --lattice, A")
    .option("--repeat <n>", "conventional cells per edge for --lattice", "3")
    .option("--element <symbol>", "element for --lattice", "Cu")
    .option("--skip <n>", "ignore the first n frames (equilibration)", "0")
    .option("--stride <k>", "use every k-th frame after the skipped ones", "1")
    .option("--rmax <A>", "largest distance, A", "8")
    .option("--bins <n>", "number of bins", "200")
    .option("--csv <file>", "write r, g and running coordination numbers as CSV (default: stdout)")
    .option("--plot <file>", "write g(r) as SVG")
    .action((o: RdfFlags) => runCommand(() => runRdf(o)));
}

async function runRdf(o: RdfFlags): Promise<void> {
  const rmax = numberOption("--rmax", o.rmax, { positive: true })!;
  const bins = numberOption("--bins", o.bins, { integer: true, min: 1 })!;
  const skip = numberOption("--skip", o.skip, { integer: true, min: 0 })!;
  const stride = numberOption("--stride", o.stride, { integer: true, min: 1 })!;
  checkOutputPaths([["--csv", o.csv], ["--plot", o.plot]]);
  let frames: Atoms[];
  let source: string;
  if (o.input !== undefined && o.lattice !== undefined) throw new InputError("property rdf: give either --input or --lattice, not both");
  if (o.input !== undefined) {
    const all = readStructureFile(o.input, speciesOption(o.species));
    frames = all.slice(skip).filter((_, k) => k % stride === 0);
    if (frames.length === 0) throw new InputError(`no frames left after --skip ${skip} (file has ${all.length})`, { file: o.input });
    source = `${o.input} (${frames.length} of ${all.length} frames)`;
  } else if (o.lattice !== undefined) {
    const a = numberOption("--a", o.a, { positive: true });
    if (a === undefined) throw new InputError("property rdf: --lattice needs --a (lattice constant, A)");
    const repeat = numberOption("--repeat", o.repeat, { integer: true, min: 1 })!;
    frames = [bulk(o.element ?? "Cu", o.lattice as CubicStructure, a, repeat)];
    source = `${o.lattice} ${o.element} a=${a}`;
  } else {
    throw new InputError("property rdf needs --input FILE (a structure or trajectory) or --lattice");
  }
  const r = radialDistribution(frames, { rmax, bins });
  const curves = [r.total, ...(r.partials.length > 1 ? r.partials : [])];
  const name = (c: { a: string; b: string }) => (c.a === "*" ? "total" : `${c.a}-${c.b}`);
  const lines = [
    `# g(r) of ${source}; bins of ${(rmax / bins).toPrecision(6)} A; n_* = running coordination number`,
    ["r_A", ...curves.flatMap((c) => [`g_${name(c)}`, `n_${name(c)}`])].join(","),
    ...Array.from(r.r, (x, k) => [x.toPrecision(8), ...curves.flatMap((c) => [c.g[k].toPrecision(8), c.coordination[k].toPrecision(8)])].join(",")),
  ];
  if (o.csv) writeFileAtomic(o.csv, lines.join("\n") + "\n", "--csv");
  else stdout().write(lines.join("\n") + "\n");
  if (o.plot) {
    const svg = await linePlotsSvg(
      [{ title: `g(r): ${source}`, yTitle: "g(r)", series: curves.map((c) => ({ label: name(c), points: Array.from(r.r, (x, k) => [x, c.g[k]] as [number, number]) })) }],
      "r (A)",
    );
    writeFileAtomic(o.plot, svg, "--plot");
  }
}
