// The portable benchmark suite (src/benchmark/suite.ts): in Node (quick mode) it returns a
// well-formed report; in headless chromium the demo page's Benchmark panel runs the same suite in the
// page's Web Worker and offers a JSON report of the same shape through its "Download JSON" link.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { demoSession, openPage } from "./helpers/demo-server.js";
import { describeWith } from "./helpers/tools.js";
import { SUITE_ID, runBenchmarkSuite, type BenchmarkReport } from "../src/benchmark/suite.js";


const REPORT_KEYS = ["date", "entries", "quick", "runtime", "seconds", "simd", "suite", "version", "workers"];
const RUNTIME_KEYS = ["cores", "kind", "platform", "version"];
const ENTRY_KEYS = ["atoms", "cost", "costUnit", "id", "max", "median", "min", "name", "notes", "runs", "steps", "structures", "unit"];
const QUICK_ENTRIES = ["eam-4000", "ect-nacl-512", "ect-fitted-nacl-xl", "batch-cu108"];

/** Checks the shape and numbers of a quick report; returns it for runtime-specific checks. */
function checkQuickReport(report: BenchmarkReport): void {
  expect(Object.keys(report).sort()).toEqual(REPORT_KEYS);
  expect(report.suite).toBe(SUITE_ID);
  expect(report.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  expect(Number.isNaN(Date.parse(report.date))).toBe(false);
  expect(report.quick).toBe(true);
  expect(report.simd).toBe(true);
  expect(report.workers).toBe(1);
  expect(report.seconds).toBeGreaterThan(0);
  expect(Object.keys(report.runtime).sort()).toEqual(RUNTIME_KEYS);
  expect(["node", "browser"]).toContain(report.runtime.kind);
  expect(report.runtime.version.length).toBeGreaterThan(0);
  expect(report.runtime.platform.length).toBeGreaterThan(0);
  expect(Number.isInteger(report.runtime.cores) && report.runtime.cores >= 1).toBe(true);
  expect(report.entries.map((e) => e.id)).toEqual(QUICK_ENTRIES);
  for (const e of report.entries) {
    expect(Object.keys(e).sort()).toEqual(ENTRY_KEYS);
    for (const v of [e.atoms, e.runs, e.median, e.min, e.max, e.cost]) {
      expect(Number.isFinite(v) && v > 0, `${e.id}: ${v}`).toBe(true);
    }
    expect(e.min).toBeLessThanOrEqual(e.median);
    expect(e.median).toBeLessThanOrEqual(e.max);
    expect(e.runs).toBeGreaterThanOrEqual(3);
    if (e.unit === "atom-steps/s") {
      expect(e.steps).toBeGreaterThan(0);
      expect(e.cost).toBeCloseTo(1e6 / e.median, 6);
    } else {
      expect(e.unit).toBe("structures/s");
      expect(e.structures).toBeGreaterThan(0);
    }
  }
  const byId = Object.fromEntries(report.entries.map((e) => [e.id, e]));
  expect(byId["eam-4000"].atoms).toBe(4000);
  expect(byId["ect-nacl-512"].atoms).toBe(512);
  expect(byId["ect-fitted-nacl-xl"].atoms).toBe(64);
  expect(byId["batch-cu108"].atoms).toBe(108);
}

const texts = () => ({
  potentialText: readFileSync("potentials/Cu_u3.eam", "utf8"),
  modelText: readFileSync("models/ect-starter.json", "utf8"),
  fittedModelText: readFileSync("models/ect-fitted.json", "utf8"),
});

describe("portable benchmark suite", () => {
  it("runs the quick suite in Node and returns a well-formed report", async () => {
    const progress: string[] = [];
    const report = await runBenchmarkSuite({ ...texts(), quick: true, runtime: { cores: availableParallelism() }, onProgress: (m) => progress.push(m) });
    checkQuickReport(report);
    expect(report.runtime.kind).toBe("node");
    expect(report.runtime.version).toBe(process.version);
    expect(progress.at(-1)).toBe("done");
    // Round trip through JSON (what `node dist/bench.js --json` prints) keeps the report.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    console.log(`node quick suite: ${report.entries.map((e) => `${e.id} ${e.median.toExponential(3)} ${e.unit}`).join(", ")}`);
  }, 30_000);
});

describeWith("chromium", "benchmark panel of the demo page", () => {
  const demo = demoSession();

  it("runs the quick suite in the page's worker, shows the results and offers the JSON report", async () => {
    const { page, problems } = await openPage(demo);
    await page.waitForFunction(() => document.body.dataset.ready === "true", undefined, { timeout: 15_000 });
    expect(await page.isHidden("#bench-download")).toBe(true);

    await page.check("#bench-quick");
    await page.click("#bench-run");
    expect(await page.isDisabled("#bench-run")).toBe(true);
    // The page answers while the worker benchmarks, and shows the progress.
    await page.waitForFunction(() => /^running: /.test(document.getElementById("bench-status")!.textContent ?? ""), undefined, { timeout: 15_000 });
    // The page's event loop keeps turning while the worker benchmarks (five timer turns, all with the
    // benchmark still running). No wall-clock bound: that would measure the machine's load.
    const turns = await page.evaluate(async () => {
      const status = document.getElementById("bench-status")!;
      let n = 0;
      while (n < 5 && /^running: /.test(status.textContent ?? "")) {
        await new Promise((ok) => setTimeout(ok, 0));
        n++;
      }
      return n;
    });
    expect(turns).toBe(5);
    await page.waitForFunction(() => document.body.dataset.bench === "idle", undefined, { timeout: 30_000 });
    expect(await page.textContent("#bench-status")).toMatch(/^finished in \d/);
    expect(await page.locator("#bench-table tbody tr").count()).toBe(QUICK_ENTRIES.length);
    expect(await page.locator("#bench-table tbody tr td:first-child").allTextContents()).toEqual(QUICK_ENTRIES);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#bench-download")]);
    expect(download.suggestedFilename()).toMatch(/^ect-eam-benchmark-.*\.json$/);
    const report = JSON.parse(readFileSync(await download.path(), "utf8")) as BenchmarkReport;
    checkQuickReport(report);
    expect(report.runtime.kind).toBe("browser");
    expect(report.runtime.version).toMatch(/Chrome\//);
    expect(problems).toEqual([]);
    console.log(`chromium quick suite: ${report.entries.map((e) => `${e.id} ${e.median.toExponential(3)} ${e.unit}`).join(", ")}`);
    await page.close();
  }, 60_000);
});
