import type { Command } from "commander";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { buildEctTables } from "../ect/tables.js";
import { EctEngine } from "../ect/engine.js";
import { numberOption, runCommand } from "./common.js";
import { addModelOverrideOptions, loadModel, type CalculatorFlags } from "./calculator-options.js";
import { progressBar } from "./progress.js";
import { linePlotsSvg } from "./plot.js";
import { stdout } from "./io.js";

/** One point of a dimer scan. */
export interface ScanPoint {
  r: number;
  energy: number;
  omega: number;
  qA: number;
  qB: number;
  mu: number;
  iterations: number;
}

/** `ect-eam scan`: pulls a dimer apart and reports energy, charges and solver iterations per point. */
export function registerScan(program: Command): void {
  const cmd = program
    .command("scan")
    .description("charge-transfer curve of a dimer: energy, Omega, charges and solver iterations from R to R'")
    .requiredOption("--model <file>", "ECT-EAM model (JSON)")
    .requiredOption("--pair <A,B>", "the two elements, e.g. Na,Cl")
    .option("--from <A>", "first distance, A", "1")
    .option("--to <A>", "last distance, A", "20")
    .option("--points <n>", "number of distances", "96")
    .option("--csv <file>", "write the curve as CSV")
    .option("--svg <file>", "write a plot of energy and charge (SVG)")
    .option("--follow", "warm-start each point from the previous one (follows a basin, shows hysteresis); default: ground state at every point");
  addModelOverrideOptions(cmd, { charge: true }).action((opts) => runCommand(() => runScan(opts)));
}

async function runScan(opts: CalculatorFlags & { model: string; pair: string; from: string; to: string; points: string; csv?: string; svg?: string; follow?: boolean }): Promise<void> {
  const pair = opts.pair.split(",").map((s) => s.trim());
  if (pair.length !== 2 || pair.some((s) => !s)) throw new InputError(`--pair expects two elements like Na,Cl, got '${opts.pair}'`);
  const from = numberOption("--from", opts.from, { positive: true })!;
  const to = numberOption("--to", opts.to, { positive: true })!;
  const points = numberOption("--points", opts.points, { integer: true, min: 2 })!;
  checkOutputPaths([["--csv", opts.csv], ["--svg", opts.svg]]);
  const model = loadModel(opts);
  const engine = await EctEngine.create(buildEctTables(model), { source: opts.model });
  engine.setAtoms(new Atoms({ symbols: pair, positions: [0, 0, 0, 0, 0, from] }), `${pair.join("-")} dimer`);
  const rows: ScanPoint[] = [];
  const out = stdout();
  out.write(`# ${pair.join("-")} dimer, ${model.name ?? opts.model}; atom 1 at the origin, atom 2 on +z\n`);
  out.write(["R(A)", "E(eV)", "Omega(eV)", `q_${pair[0]}(e)`, `q_${pair[1]}(e)`, "mu(eV)", "iters"].map((c) => c.padStart(14)).join("") + "\n");
  const bar = progressBar("scan", points, "points");
  try {
    for (let k = 0; k < points; k++) {
      const r = from + ((to - from) * k) / (points - 1);
      engine.setPositions([0, 0, 0, 0, 0, r]);
      if (!opts.follow) engine.coldStart();
      engine.compute();
      const q = engine.charges();
      const rep = engine.solverReport();
      const row = { r, energy: engine.energy(), omega: engine.grandPotential(), qA: q[0], qB: q[1], mu: rep.mu, iterations: rep.iterations };
      rows.push(row);
      bar.update(k + 1);
      bar.around(() => out.write(
        [row.r.toFixed(4), row.energy.toFixed(6), row.omega.toFixed(6), row.qA.toExponential(4), row.qB.toExponential(4), row.mu.toFixed(4), String(row.iterations)]
          .map((c) => c.padStart(14))
          .join("") + "\n",
      ));
    }
  } finally {
    bar.stop();
  }
  if (opts.csv) {
    const lines = ["r_A,energy_eV,omega_eV,q_" + pair[0] + "_e,q_" + pair[1] + "_e,mu_eV,iterations"];
    for (const p of rows) lines.push([p.r, p.energy, p.omega, p.qA, p.qB, p.mu, p.iterations].join(","));
    writeFileAtomic(opts.csv, lines.join("\n") + "\n", "--csv");
  }
  if (opts.svg) {
    const svg = await linePlotsSvg(
      [
        { title: `${pair.join("-")}: energy`, yTitle: "eV", series: [{ label: "E", points: rows.map((p) => [p.r, p.energy]) }, { label: "Omega", points: rows.map((p) => [p.r, p.omega]) }] },
        { title: "charges", yTitle: "e", series: [{ label: `q ${pair[0]}`, points: rows.map((p) => [p.r, p.qA]) }, { label: `q ${pair[1]}`, points: rows.map((p) => [p.r, p.qB]) }] },
      ],
      "R (A)",
    );
    writeFileAtomic(opts.svg, svg, "--svg");
  }
}
