/**
 * Running a fit plan from files (Node): reads the plan, its start model and data, runs the stages,
 * writes the fitted model and the report (reports/fit: report.md, report.json, plots).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";
import { bondFitReport } from "./bond-report.js";
import { runFitPlan, type BondFitResult, type FitPlan } from "./bond-fit.js";

/** Writes a file through a temporary name, so that a failed run leaves no half-written file. */
function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export interface PlanRunOptions {
  /** Where the fitted model goes. */
  output: string;
  /** Report folder (report.md, report.json, SVG plots), or null for none. */
  report: string | null;
  /** Stages to run (names), default all. */
  stages?: string[];
  /** Repository root for the report's reference files (default: the plan's folder's parent). */
  root?: string;
  log?: (line: string) => void;
}

/** Reads and checks a plan file. */
export function readFitPlan(path: string): FitPlan {
  let plan: FitPlan;
  try {
    plan = JSON.parse(readFileSync(path, "utf8")) as FitPlan;
  } catch (e) {
    throw new InputError(`cannot read the fit plan: ${e instanceof Error ? e.message : String(e)}`, { file: path });
  }
  if (typeof plan.model !== "string" || !Array.isArray(plan.data) || !Array.isArray(plan.stages)) {
    throw new InputError("a fit plan needs \"model\" (file), \"data\" (list) and \"stages\" (list)", { file: path });
  }
  return plan;
}

/** Runs a plan file and writes the fitted model (and the report). */
export async function runPlanFile(planPath: string, opts: PlanRunOptions): Promise<{ stages: { name: string; result: BondFitResult }[] }> {
  const log = opts.log ?? (() => {});
  const plan = readFitPlan(planPath);
  const dir = dirname(resolve(planPath));
  const root = opts.root ?? resolve(dir, "..");
  if (opts.stages) plan.stages = plan.stages.filter((s) => opts.stages!.includes(s.name));
  const modelJson = JSON.parse(readFileSync(resolve(dir, plan.model), "utf8")) as Record<string, unknown>;
  const read = (f: string) => readFileSync(resolve(dir, f), "utf8");
  const t0 = Date.now();
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
  const run = await runFitPlan(plan, modelJson, read, {
    onStage: (name, frames, params) => log(`stage ${name}: ${frames} frames, ${params} parameters (${secs()})`),
    onIteration: ({ iteration, cost }) => log(`  iteration ${iteration}: cost ${cost.toFixed(4)} (${secs()})`),
    onStageDone: (name, r) => log(`stage ${name}: cost ${r.startCost.toFixed(3)} -> ${r.cost.toFixed(3)} (${r.reason}, ${secs()})`),
  });
  const text = JSON.stringify(run.model, null, 1) + "\n";
  writeAtomic(opts.output, text);
  if (opts.report) {
    const rep = await bondFitReport({
      modelText: text,
      modelFile: relative(root, resolve(opts.output)),
      read: (p) => readFileSync(join(root, p), "utf8"),
      stages: run.stages,
      dataFiles: plan.data.map((d) => relative(root, resolve(dir, d.file))),
      onProgress: (w) => log(`report: ${w} (${secs()})`),
    });
    for (const [name, svg] of Object.entries(rep.files)) writeAtomic(join(opts.report, name), svg);
    writeAtomic(join(opts.report, "report.md"), rep.markdown);
    writeAtomic(
      join(opts.report, "report.json"),
      JSON.stringify({ model: relative(root, resolve(opts.output)), stages: run.stages.map((s) => ({ name: s.name, cost: s.result.cost, startCost: s.result.startCost, iterations: s.result.iterations, reason: s.result.reason, parameters: s.result.parameters })) }, null, 1) + "\n",
    );
  }
  return { stages: run.stages };
}

/** Writes the report of an existing model file (no fit). */
export async function writeModelReport(modelPath: string, reportDir: string, root: string, dataFiles: string[] = [], log: (l: string) => void = () => {}): Promise<void> {
  const text = readFileSync(modelPath, "utf8");
  const rep = await bondFitReport({ modelText: text, modelFile: relative(root, resolve(modelPath)), read: (p) => readFileSync(join(root, p), "utf8"), dataFiles, onProgress: (w) => log(`report: ${w}`) });
  for (const [name, svg] of Object.entries(rep.files)) writeAtomic(join(reportDir, name), svg);
  writeAtomic(join(reportDir, "report.md"), rep.markdown);
}
