/**
 * `ect-eam fit --model START.json --data a.extxyz b.extxyz ... --output FITTED.json`: weighted least
 * squares of an ECT-EAM model on energies, forces and dipoles (src/fit/), evaluated on workers, with
 * a report (Markdown + JSON + SVG curves) of RMSEs, parameters with uncertainties and the
 * equilibrium properties of every referenced diatomic.
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { checkOutputDir, checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { InputError } from "../errors.js";
import { createWorkerPool } from "../workers/index.js";
import { parseTrainingSet, type TrainingSet } from "../fit/dataset.js";
import { localEvaluator, poolEvaluator, type ModelEvaluator } from "../fit/evaluator.js";
import { defaultFreeParameters, parseParameterPaths } from "../fit/parameters.js";
import { fitModel, type FitOptions, type FitResult } from "../fit/fit.js";
import { fitStaged, parseStages, type StageSummary } from "../fit/stages.js";
import { datasetRmse, diatomicCurve, equilibriumTable, reportMarkdown, type FitReport, type ReferenceMolecule } from "../fit/report.js";
import { DEBYE_PER_E_A } from "../fit/diatomic.js";
import { linePlotsSvg } from "./plot.js";
import { readFitPlan, runPlanFile, writeModelReport } from "../fit/plan-file.js";
import { dirname, relative, resolve } from "node:path";
import { numberOption, packagePath, runCommand } from "./common.js";
import { stdout, stderr } from "./io.js";

interface FitFlags {
  plan?: string; only?: string; reportOnly?: boolean;
  model: string; data: string[]; output: string; report?: string; params?: string; resonance: boolean; fitTemperature?: boolean;
  energySigma: string; energySlope: string; forceSigma: string; dipoleSigma: string; starts: string; seed: string; maxIterations: string;
  workers?: string; reference?: string; stages?: string;
}

/** Registers `fit`. */
export function registerFit(program: Command): void {
  program
    .command("fit")
    .description("fit an ECT-EAM model to reference energies, forces and dipoles (Levenberg-Marquardt) and write a report")
    .option("--plan <file>", "fit plan of a bond-transfer model (JSON: start model, data files with tolerances, stages); replaces --model and --data")
    .option("--only <stages>", "with --plan: comma-separated stage names to run (default all)")
    .option("--report-only", "with --plan: write the report of the model at --output (no fit)")
    .option("--model <file>", "starting model (JSON)")
    .option("--data <files...>", "training sets: extended XYZ with energy= (eV) and optionally forces, dipole= (e*A)")
    .requiredOption("--output <file>", "fitted model (JSON)")
    .option("--report <dir>", "write report.md, report.json and one SVG per diatomic here")
    .option("--params <list>", "comma-separated parameter paths to fit (default: pair, resonance and embedding parameters of the data's elements)")
    .option("--stages <file>", "staged fit: JSON array of {name, data: [dataset names], params: [paths], maxIterations}, run in order from --model")
    .option("--no-resonance", "keep resonance couplings fixed")
    .option("--fit-temperature", "also fit the electronic temperature kT")
    .option("--energy-sigma <eV>", "energy tolerance per frame, eV", "0.02")
    .option("--energy-slope <1/eV>", "energy and force tolerances grow by this factor per eV of reference energy above the dataset's lowest frame", "0")
    .option("--force-sigma <eV/A>", "force tolerance per component, eV/A (0: ignore forces)", "0.1")
    .option("--dipole-sigma <eA>", "dipole tolerance per component, e*A", "0.05")
    .option("--starts <n>", "number of starts (1 = only the given parameters; more = seeded perturbations)", "1")
    .option("--seed <n>", "seed of the perturbed starts", "1")
    .option("--max-iterations <n>", "Levenberg-Marquardt iterations per start", "40")
    .option("--workers <n>", "worker threads for evaluating the data (default: all cores)")
    .option("--reference <file>", "equilibrium reference properties (default: the bundled datasets/qm/equilibrium.json)")
    .action((opts: FitFlags) => runCommand(() => runFit(opts)));
}

async function runFit(opts: FitFlags): Promise<void> {
  if (opts.plan) {
    if (opts.model || opts.data) throw new InputError("--plan names the start model and the data: leave out --model and --data");
    if (opts.reportOnly) {
      if (!opts.report) throw new InputError("--report-only needs --report DIR");
      checkOutputDir(opts.report, "--report");
      const plan = readFitPlan(opts.plan);
      const planDir = dirname(resolve(opts.plan));
      const root = resolve(planDir, "..");
      await writeModelReport(opts.output, opts.report, root, plan.data.map((d) => relative(root, resolve(planDir, d.file))), (line) => stderr().write(`${line}\n`));
      stdout().write(`wrote ${join(opts.report, "report.md")}\n`);
      return;
    }
    checkOutputPaths([["--output", opts.output]]);
    if (opts.report) checkOutputDir(opts.report, "--report");
    const t0 = Date.now();
    await runPlanFile(opts.plan, {
      output: opts.output,
      report: opts.report ?? null,
      stages: opts.only?.split(",").map((s) => s.trim()),
      log: (line) => stderr().write(`${line}\n`),
    });
    stdout().write(`wrote ${opts.output}${opts.report ? ` and ${join(opts.report, "report.md")}` : ""} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    return;
  }
  if (!opts.model || !opts.data) throw new InputError("fit needs --model and --data (or --plan)");
  const modelText = readText(opts.model, "model");
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(modelText);
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file: opts.model });
  }
  const elements = Object.keys((json.elements as Record<string, unknown>) ?? {});
  const sets: TrainingSet[] = opts.data.map((path) => parseTrainingSet(readText(path, "training set"), path, elements));
  const inData = [...new Set(sets.flatMap((s) => s.frames.flatMap((f) => f.atoms.symbols)))];
  const pairs = new Set<string>();
  for (const s of sets) {
    for (const f of s.frames) {
      const sy = f.atoms.symbols;
      for (let i = 0; i < sy.length; i++) for (let j = i + 1; j < sy.length; j++) pairs.add(`${sy[i]}-${sy[j]}`);
    }
  }
  const stages = opts.stages ? parseStages(readText(opts.stages, "stages file"), opts.stages, json, sets.map((s) => s.name)) : null;
  const params = opts.params
    ? parseParameterPaths(json, opts.params.split(",").map((p) => p.trim()))
    : defaultFreeParameters(json, inData, [...pairs], { resonance: opts.resonance, temperature: opts.fitTemperature === true });
  const weights = {
    energy: numberOption("--energy-sigma", opts.energySigma, { positive: true })!,
    force: numberOption("--force-sigma", opts.forceSigma, { min: 0 })!,
    dipole: numberOption("--dipole-sigma", opts.dipoleSigma, { positive: true })!,
    energySlope: numberOption("--energy-slope", opts.energySlope, { min: 0 })!,
  };
  const starts = numberOption("--starts", opts.starts, { integer: true, min: 1 })!;
  const seed = numberOption("--seed", opts.seed, { integer: true })!;
  const maxIterations = numberOption("--max-iterations", opts.maxIterations, { integer: true, min: 1 })!;
  const workers = numberOption("--workers", opts.workers, { integer: true, min: 1 }) ?? availableParallelism();
  const frames = sets.reduce((n, s) => n + s.frames.length, 0);
  checkOutputPaths([["--output", opts.output]]);
  if (opts.report) checkOutputDir(opts.report, "--report");
  if (stages) stderr().write(`fit: ${stages.length} stages\n`);
  else stderr().write(`fit: ${params.length} parameters, ${frames} frames in ${sets.length} datasets, ${workers} worker(s)\n`);

  // Every parameter set is a new model to the workers; print each distinct warning once.
  const seen = new Set<string>();
  const onWarning = (m: string) => {
    if (!seen.has(m)) stderr().write(`warning: ${m}\n`);
    seen.add(m);
  };
  const pool = workers > 1 ? await createWorkerPool({ workers, onWarning }) : null;
  const evaluator: ModelEvaluator = pool ? poolEvaluator(pool) : localEvaluator();
  const tty = stderr().isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: "fit |{bar}| start {start} iteration {value}/{total} | cost {cost}", stream: stderr() as NodeJS.WritableStream, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  let lastStart = -1;
  try {
    const t0 = performance.now();
    const fitOptions: FitOptions = {
      weights, starts, seed, maxIterations,
      onProgress: ({ start, starts: total, iteration, cost }) => {
        if (!bar) {
          // Without a terminal, one line per LM iteration so that logs show progress.
          stderr().write(`fit: start ${start + 1}/${total} iteration ${iteration} cost ${cost.toPrecision(6)} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
          return;
        }
        if (start !== lastStart) {
          if (lastStart >= 0) bar.stop();
          bar.start(maxIterations, 0, { start: `${start + 1}/${total}`, cost: "-" });
          lastStart = start;
        }
        bar.update(iteration, { cost: cost.toPrecision(5) });
      },
    };
    let stageSummaries: StageSummary[] | undefined;
    let fit: FitResult;
    if (stages) {
      const staged = await fitStaged(json, stages, sets, evaluator, {
        ...fitOptions,
        onStage: (stage, k) => {
          bar?.stop();
          lastStart = -1;
          stderr().write(`fit: stage ${k + 1}/${stages.length} '${stage.name}': ${stage.params.length} parameters, datasets ${stage.data.join(", ")}\n`);
        },
      });
      fit = staged.result;
      stageSummaries = staged.stages;
    } else {
      fit = await fitModel(json, params, sets, evaluator, fitOptions);
    }
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const fitted = { ...fit.model, description: `${String(fit.model.description ?? "")} Fitted by 'ect-eam fit' to ${sets.map((s) => s.name).join(", ")} (cost ${fit.cost.toPrecision(6)}).`.trim() };
    writeFileAtomic(opts.output, JSON.stringify(fitted, null, 1) + "\n", "--output");
    const fittedText = JSON.stringify(fitted);
    const results = await evaluator.evaluate(fittedText, sets.flatMap((s) => s.frames.map((f) => f.atoms)));
    const references = readReferences(opts.reference);
    const diatomics = sets.filter((s) => s.frames.every((f) => f.atoms.length === 2)).map((s) => s.name);
    const { model: _m, ...fitInfo } = fit;
    const report: FitReport = { datasets: datasetRmse(sets, results), equilibrium: await equilibriumTable(evaluator, fittedText, references, diatomics), fit: fitInfo, stages: stageSummaries };
    const md = reportMarkdown(report, `Fit of ${opts.model} -> ${opts.output}`);
    stdout().write(md);
    stdout().write(`\n${seconds.toFixed(1)} s on ${workers} worker(s)\n`);
    if (opts.report) {
      writeFileAtomic(join(opts.report, "report.md"), md, "--report");
      writeFileAtomic(join(opts.report, "report.json"), JSON.stringify(report, null, 1) + "\n", "--report");
      for (const s of sets.filter((t) => diatomics.includes(t.name))) {
        const [a, b] = s.frames[0].atoms.symbols;
        const rs = s.frames.map((f) => f.bondLength!).sort((x, y) => x - y);
        const grid: number[] = [];
        for (let r = rs[0]; r <= rs[rs.length - 1] + 1e-9; r += (rs[rs.length - 1] - rs[0]) / 150) grid.push(r);
        const curve = await diatomicCurve(evaluator, fittedText, a, b, grid);
        const ref = s.frames.map((f) => [f.bondLength!, f.energy] as [number, number]).sort((x, y) => x[0] - y[0]);
        const refDip = s.frames.filter((f) => f.dipole).map((f) => [f.bondLength!, Math.hypot(...f.dipole!) * DEBYE_PER_E_A] as [number, number]).sort((x, y) => x[0] - y[0]);
        const svg = await linePlotsSvg(
          [
            { title: `${s.name}: energy`, yTitle: "energy (eV)", series: [{ label: "reference", points: ref }, { label: "fitted model (Omega)", points: curve.map((c) => [c.r, c.energy]) }] },
            { title: `${s.name}: dipole`, yTitle: "|dipole| (D)", series: [{ label: "reference", points: refDip }, { label: "fitted model", points: curve.map((c) => [c.r, c.dipole * DEBYE_PER_E_A]) }] },
          ],
          "R (A)",
        );
        writeFileAtomic(join(opts.report, `${s.name}.svg`), svg, "--report");
      }
      stderr().write(`report written to ${opts.report}/\n`);
    }
  } finally {
    bar?.stop();
    await evaluator.close();
    await pool?.close();
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read the ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: path });
  }
}

function readReferences(path?: string): Record<string, ReferenceMolecule> {
  const file = path ?? packagePath("datasets/qm/equilibrium.json");
  const text = readText(file, "reference file");
  try {
    return (JSON.parse(text) as { molecules: Record<string, ReferenceMolecule> }).molecules;
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}
