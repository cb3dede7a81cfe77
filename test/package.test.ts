// Issue 14, item 8: the package as another project gets it. `npm pack` of the built tree, installed
// into a scratch project with npm (offline, from the npm cache `npm ci` filled): the tarball stays
// under 2.5 MB, a library user installs a handful of packages (no plotting libraries), the README's
// API example runs as written, TypeScript finds the declarations (no TS7016) and checks real types,
// and the bundled potentials and models can be resolved and imported.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "package-"));
const scratch = join(dir, "scratch");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

/** The ```ts block under "## API" in README.md. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const api = readme.slice(readme.indexOf("## API"));
  const m = /```ts\n([\s\S]*?)```/.exec(api);
  if (!m) throw new Error("README.md has no ts block under ## API");
  return m[1];
}

beforeAll(() => {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" });
  packed = JSON.parse(out)[0];
  mkdirSync(scratch);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, packed.filename)], { cwd: scratch, encoding: "utf8", stdio: "pipe" });
  // types for the consumer's own Node code, as any Node TypeScript project has them
  mkdirSync(join(scratch, "node_modules", "@types"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules", "@types", "node"), join(scratch, "node_modules", "@types", "node"));
}, 120_000);

describe("npm pack", () => {
  it("the tarball is at most 2.5 MB and holds the library, not sources, maps or the demo site", () => {
    console.log(`tarball ${(packed.size / 1e6).toFixed(2)} MB, unpacked ${(packed.unpackedSize / 1e6).toFixed(2)} MB, ${packed.files.length} files`);
    expect(packed.size).toBeLessThanOrEqual(2.5e6);
    const paths = packed.files.map((f) => f.path);
    for (const need of ["dist/index.js", "dist/cli.js", "dist/types/index.d.ts", "dist/types/core.d.ts", "dist/eam.simd.wasm", "dist/browser/index.js", "potentials/Cu_u3.eam", "models/ect-starter.json"]) {
      expect(paths).toContain(need);
    }
    for (const p of paths) expect(p).not.toMatch(/\.map$|^dist\/web\/|^src\/|^assembly\/|^test\//);
  });

  it("a library user installs a handful of packages (no vega)", () => {
    const installed = JSON.parse(execFileSync("npm", ["ls", "--all", "--json", "--omit=dev"], { cwd: scratch, encoding: "utf8" }));
    const names = new Set<string>();
    const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined) => {
      for (const [name, d] of Object.entries(deps ?? {})) {
        names.add(name);
        walk(d.dependencies as never);
      }
    };
    walk(installed.dependencies);
    // the consumer's own @types/node (linked in for the TypeScript check) is not ours
    for (const own of ["ect-eam", "@types/node", "undici-types"]) names.delete(own);
    console.log(`installed with ect-eam: ${[...names].sort().join(", ")}`);
    expect([...names].some((n) => n.startsWith("vega"))).toBe(false);
    expect(names.size).toBeLessThanOrEqual(10);
  });
});

describe("the installed package", () => {
  it("runs the README's API example as written", () => {
    writeFileSync(join(scratch, "example.mjs"), readmeExample());
    const out = execFileSync("node", ["example.mjs"], { cwd: scratch, encoding: "utf8" });
    expect(out.match(/temperature:/g)?.length).toBe(11);
  }, 60_000);

  it("TypeScript: declarations found through the exports map, real types checked (no TS7016)", () => {
    writeFileSync(join(scratch, "example.ts"), readmeExample());
    writeFileSync(
      join(scratch, "types.ts"),
      [
        'import { EamCalculator, MolecularDynamics, bulk, type CalculatorResultsLike } from "./names.js";',
        "const atoms = bulk(\"Cu\", \"fcc\", 3.6, 2);",
        "const n: number = atoms.length;",
        "// @ts-expect-error a lattice constant is a number",
        'bulk("Cu", "fcc", "3.6", 2);',
        "export async function run(): Promise<number> {",
        "  const calc = await EamCalculator.create(undefined as never);",
        "  const md = new MolecularDynamics(calc, atoms, { dt: 1 });",
        "  // @ts-expect-error the thermostat kinds are known",
        '  new MolecularDynamics(calc, atoms, { dt: 1, thermostat: { kind: "andersen" } });',
        "  const r: CalculatorResultsLike = md.thermo();",
        "  return n + r.temperature;",
        "}",
      ].join("\n"),
    );
    writeFileSync(join(scratch, "names.ts"), 'export * from "ect-eam";\nexport type { DynamicsThermo as CalculatorResultsLike } from "ect-eam";\n');
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], lib: ["ES2022", "DOM"] },
        files: ["example.ts", "types.ts"],
      }),
    );
    const tsc = join(ROOT, "node_modules", ".bin", "tsc");
    let out = "";
    try {
      out = execFileSync(tsc, ["-p", "tsconfig.json"], { cwd: scratch, encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    }
    expect(out).not.toMatch(/TS7016/);
    expect(out.trim()).toBe("");
  }, 60_000);

  it("the bundled potentials and models resolve and import (no ERR_PACKAGE_PATH_NOT_EXPORTED)", () => {
    writeFileSync(
      join(scratch, "data.mjs"),
      [
        'import { fileURLToPath } from "node:url";',
        'import { readFileSync } from "node:fs";',
        'import { packageFile, readEamPotentialFile, readEctModelFile } from "ect-eam";',
        'import model from "ect-eam/models/ect-starter.json" with { type: "json" };',
        'const pot = readEamPotentialFile(fileURLToPath(import.meta.resolve("ect-eam/potentials/Cu_u3.eam")));',
        'const same = readFileSync(packageFile("potentials/Cu_u3.eam"), "utf8") === readFileSync(fileURLToPath(import.meta.resolve("ect-eam/potentials/Cu_u3.eam")), "utf8");',
        'const ect = readEctModelFile(packageFile("models/ect-starter.json"));',
        "console.log(JSON.stringify({ elements: pot.elements, same, model: Object.keys(model.elements), ect: ect.elements.map((e) => e.symbol) }));",
      ].join("\n"),
    );
    const got = JSON.parse(execFileSync("node", ["data.mjs"], { cwd: scratch, encoding: "utf8" }));
    expect(got.elements).toEqual(["Cu"]);
    expect(got.same).toBe(true);
    expect(got.model.length).toBeGreaterThan(1);
    expect(got.ect).toEqual(got.model);
  });

  it("the command line is installed (npx ect-eam)", () => {
    expect(existsSync(join(scratch, "node_modules", ".bin", "ect-eam"))).toBe(true);
    const v = execFileSync(join(scratch, "node_modules", ".bin", "ect-eam"), ["--version"], { cwd: scratch, encoding: "utf8" });
    expect(v.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    const out = execFileSync(join(scratch, "node_modules", ".bin", "ect-eam"), ["md", "--potential", join(scratch, "node_modules", "ect-eam", "potentials", "Cu_u3.eam"),
      "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--steps", "10"], { cwd: scratch, encoding: "utf8" });
    expect(out).toMatch(/# speed:/);
  });
});
