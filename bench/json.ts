// `node dist/bench.js --json [--quick]`: the portable benchmark suite (src/benchmark/suite.ts), the
// same one the demo page's Benchmark panel runs, printed as its JSON report and nothing else on
// stdout (progress goes to stderr when it is a terminal).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runBenchmarkSuite, type BenchmarkReport } from "../src/benchmark/suite.js";

export async function benchJsonReport(opts: { quick: boolean; simd?: boolean; progress?: boolean }): Promise<BenchmarkReport> {
  return await runBenchmarkSuite({
    potentialText: readFileSync("potentials/Cu_u3.eam", "utf8"),
    modelText: readFileSync("models/ect-starter.json", "utf8"),
    fittedModelText: readFileSync("models/ect-fitted.json", "utf8"),
    quick: opts.quick,
    simd: opts.simd,
    runtime: { cores: availableParallelism() },
    onProgress: opts.progress ? (m) => process.stderr.write(`${m}\n`) : undefined,
  });
}

/** Runs the suite and prints its report as JSON. */
export async function benchJson(opts: { quick: boolean; simd?: boolean }): Promise<void> {
  const report = await benchJsonReport({ ...opts, progress: process.stderr.isTTY === true });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
