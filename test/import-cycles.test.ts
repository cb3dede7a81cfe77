// No import cycles among the modules of src/, type-only imports included: a cycle ties modules that
// should be readable (and testable) one at a time, and value cycles break module initialization in
// bundles. Reads the relative specifiers of `import ... from`, `export ... from` and `import("...")`.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = join(import.meta.dirname, "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The src modules `file` imports (relative specifiers, `.js` mapped to the `.ts` source). */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["'](\.[^"']+)["']/gm)) {
    const target = resolve(dirname(file), m[1].replace(/\.js$/, ".ts"));
    if (known.has(target)) out.push(target);
  }
  return out;
}

/** One cycle of the import graph as a list of modules (the first repeated at the end), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (v: string): string[] | null => {
    state.set(v, "open");
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (state.get(w) === "open") return [...stack.slice(stack.indexOf(w)), w];
      if (!state.has(w)) {
        const c = visit(w);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(v, "done");
    return null;
  };
  for (const v of graph.keys()) {
    if (!state.has(v)) {
      const c = visit(v);
      if (c) return c;
    }
  }
  return null;
}

describe("src/ module graph", () => {
  it("has no import cycles", () => {
    const files = sources(SRC);
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, importsOf(f, known)]));
    expect(graph.get(join(SRC, "ect", "tables.ts"))).toContain(join(SRC, "ect", "table-types.ts"));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => relative(SRC, f)).join(" -> ") ?? "none").toBe("none");
  });

  it("finds a cycle when there is one", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]], ["b", []], ["c", ["a", "b"]]]))).toBeNull();
  });
});

// Issue 15's size rule: a file past 600 lines is a file that does several things.
describe("module size", () => {
  it("no module in src/ has more than 600 lines", () => {
    const long = sources(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length - 1] as const)
      .filter(([, lines]) => lines > 600);
    expect(long).toEqual([]);
  });
});
