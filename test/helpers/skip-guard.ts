// A vitest reporter that makes skipped tests visible failures: a test may be skipped only because a
// program it names in its title (`[needs lmp]`, see ./tools.ts) is missing on this machine. A skip
// while that program is installed, or a skip with no such reason (`it.skip`, `.todo`, a stray
// `.only`), fails the run. Name filters (`-t`) skip tests on purpose and turn the guard off.
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { tool, TOOL_NAMES, type Tool } from "./tools.js";

/** What the guard needs of a test module (vitest's TestModule has it). */
export interface SkipModule {
  relativeModuleId: string;
  children: { allTests(): Iterable<{ fullName: string; result(): { state: string } }> };
}

/**
 * The skipped tests that break the rule (`problems`) and the programs whose absence skipped the
 * others (`missing`), with `installed` telling which programs are here.
 */
export function checkSkips(modules: Iterable<SkipModule>, installed: (t: Tool) => boolean): { problems: string[]; missing: Tool[] } {
  const problems: string[] = [];
  const missing = new Set<Tool>();
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      if (t.result().state !== "skipped") continue;
      const needs = [...t.fullName.matchAll(/\[needs ([\w-]+)\]/g)].map((x) => x[1] as Tool);
      const where = `${m.relativeModuleId}: ${t.fullName}`;
      const unknown = needs.filter((n) => !TOOL_NAMES.includes(n));
      if (needs.length === 0) problems.push(`${where}: skipped, and not for a missing program`);
      else if (unknown.length > 0) problems.push(`${where}: names an unknown program (${unknown.join(", ")})`);
      else if (needs.every(installed)) problems.push(`${where}: skipped though ${needs.join(", ")} is installed`);
      else for (const n of needs) if (!installed(n)) missing.add(n);
    }
  }
  return { problems, missing: [...missing] };
}

export default class SkipGuard implements Reporter {
  private off = false;

  onInit(vitest: Vitest): void {
    this.off = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (this.off) return;
    const { problems, missing } = checkSkips(modules, (t) => tool(t) !== null);
    if (missing.length > 0) {
      console.log(`\nskip-guard: tests were skipped because these programs are missing: ${missing.join(", ")} (.ci/run installs them)`);
    }
    if (problems.length > 0) {
      console.error(`\nskip-guard: ${problems.length} test(s) skipped without a reason:\n  ${problems.join("\n  ")}`);
      process.exitCode = 1;
    }
  }
}
