// Serverless bundles (docs/serverless.md): dist/serverless.mjs in a fresh Node process that can read
// nothing but its own temp folder, and dist/edge/ in workerd through miniflare, answer the same
// requests with the same bits as in-process calculators; bad requests get 4xx JSON answers.
// Needs dist/eam.simd.wasm (`npm run build`); the bundles are (re)built here when missing or stale.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModelText } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NODE_BUNDLE = join(ROOT, "dist", "serverless.mjs");
const EDGE_DIR = join(ROOT, "dist", "edge");
const EDGE_WORKER = join(EDGE_DIR, "worker.mjs");
const EDGE_WASM = join(EDGE_DIR, "eam.simd.wasm");
const REF = join(ROOT, "test", "fixtures", "ref");
const COMPATIBILITY_DATE = "2024-09-23";

/** Newest modification time under a path (files and folders, recursively). */
function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

function ensureBundles(): void {
  const outputs = [NODE_BUNDLE, EDGE_WORKER, EDGE_WASM];
  const inputs = ["src", "potentials", "models", "scripts/build-serverless.mjs", "dist/eam.simd.wasm"].map((p) => join(ROOT, p));
  const stale = outputs.some((f) => !existsSync(f)) || Math.min(...outputs.map(newest)) < Math.max(...inputs.map(newest));
  if (stale) execFileSync(process.execPath, [join(ROOT, "scripts", "build-serverless.mjs")], { cwd: ROOT, stdio: "pipe" });
}

// ------------------------------------------------------------------------------ requests
interface Req {
  id: string;
  method: string;
  body?: string;
}
interface Res {
  status: number;
  contentType: string | null;
  body: string;
}

const fixture = (name: string) => readFileSync(join(REF, name), "utf8");
const post = (id: string, payload: unknown): Req => ({ id, method: "POST", body: typeof payload === "string" ? payload : JSON.stringify(payload) });

/** Structures that must evaluate: [id, potential, extended XYZ]. */
const NACL_DIMER = '2\nProperties=species:S:1:pos:R:3 pbc="F F F"\nNa 0 0 0\nCl 2.36 0 0\n';
const NACL_SQUARE = '4\nProperties=species:S:1:pos:R:3 pbc="F F F"\nNa 0 0 0\nCl 2.6 0 0\nNa 2.6 2.6 0.1\nCl 0 2.6 0\n';
const CU = fixture("cu_u3_rattled_3x3x3.extxyz");
/** The GOOD structures that are LAMMPS reference fixtures (test/fixtures/ref: LAMMPS energy, forces, stress). */
const FROM_LAMMPS: Record<string, string> = {
  cu: "cu_u3_rattled_3x3x3.extxyz",
  cuni: "cuni_rattled_2x2x3.extxyz",
  fe: "fe_mm_rattled_4x4x4.extxyz",
  alfe: "alfe_mm_rattled_3x3x3.extxyz",
  "cu-cluster": "cu_u3_cluster.extxyz",
};
const GOOD: [string, string, string][] = [
  ["cu", "Cu_u3.eam", CU],
  ["nacl-dimer", "ect-starter", NACL_DIMER],
  ["cuni", "CuNi.eam.alloy", fixture("cuni_rattled_2x2x3.extxyz")],
  ["fe", "Fe_mm.eam.fs", fixture("fe_mm_rattled_4x4x4.extxyz")],
  ["alfe", "AlFe_mm.eam.fs", fixture("alfe_mm_rattled_3x3x3.extxyz")],
  ["cu-cluster", "Cu_u3.eam", fixture("cu_u3_cluster.extxyz")],
  ["nacl-square", "ect-starter", NACL_SQUARE],
  ["nacl-dimer-fitted", "ect-fitted", NACL_DIMER],
  // The same structures again: cached calculators must not carry state from earlier requests.
  ["cu-again", "Cu_u3.eam", CU],
  ["nacl-dimer-again", "ect-starter", NACL_DIMER],
];

/** Requests that must be refused: [request, expected status, substring of the error]. */
const BAD: [Req, number, string][] = [
  [post("bad-json", '{"structure": "2\\n'), 400, "not valid JSON"],
  [post("empty-body", ""), 400, "not valid JSON"],
  [post("not-object", "[1, 2]"), 400, "JSON object"],
  [post("missing-structure", { potential: "Cu_u3.eam" }), 400, '"structure" must be a string'],
  [post("missing-potential", { structure: NACL_DIMER }), 400, '"potential" must be a string'],
  [post("structure-not-string", { structure: 42, potential: "Cu_u3.eam" }), 400, '"structure" must be a string'],
  [post("unknown-potential", { structure: CU, potential: "Xx.eam" }), 400, "unknown potential 'Xx.eam'"],
  [post("bad-extxyz", { structure: "2\npbc=\"F F F\"\nCu 0 0\nCu 1 1 1\n", potential: "Cu_u3.eam" }), 422, "structure"],
  [post("two-frames", { structure: NACL_DIMER + NACL_DIMER, potential: "ect-starter" }), 400, "exactly one frame"],
  [post("wrong-species", { structure: CU, potential: "Fe_mm.eam.fs" }), 422, "species 'Cu'"],
  [post("periodic-ect", { structure: fixture("cu_u3_perfect_2x2x2.extxyz").replace(/\nCu /g, "\nNa "), potential: "ect-starter" }), 422, "non-periodic"],
  [post("overlap", { structure: '2\npbc="F F F"\nCu 0 0 0\nCu 0 0 0\n', potential: "Cu_u3.eam" }), 422, "on top of each other"],
  [post("too-many-atoms", { structure: `20001\npbc="F F F"\nCu 0 0 0\n`, potential: "Cu_u3.eam" }), 413, "at most 20000"],
  [post("too-many-atoms-ect", { structure: `1001\npbc="F F F"\nNa 0 0 0\n`, potential: "ect-starter" }), 413, "at most 1000"],
  [post("oversized-body", { structure: " ".repeat(5 * 1024 * 1024), potential: "Cu_u3.eam" }), 413, "exceeds 5242880 bytes"],
  [{ id: "put", method: "PUT", body: "{}" }, 405, "use POST"],
];

const REQUESTS: Req[] = [
  { id: "usage", method: "GET" },
  ...GOOD.map(([id, potential, structure]) => post(id, { structure, potential })),
  ...BAD.map(([r]) => r),
  // After every refusal, the calculators still answer with the same bits.
  post("cu-after-errors", { structure: CU, potential: "Cu_u3.eam" }),
];

// ------------------------------------------------------------------------------ what an answer must hold
/** The keys docs/serverless.md lists for an answer: every model, and ECT-EAM's two more. */
const ANSWER_KEYS = ["charges", "energy", "forces", "natoms", "potential", "stress"];
const ECT_KEYS = [...ANSWER_KEYS, "mu", "omega"].sort();

/** A library user's fresh calculator on the same structure: the numbers an answer must carry. */
interface InProcess {
  natoms: number;
  energy: number;
  forces: Float64Array;
  stress: Float64Array | null;
  charges: Float64Array | null;
  omega?: number;
  mu?: number;
}

async function inProcess(potential: string, text: string): Promise<InProcess> {
  const atoms = parseExtxyz(text, "structure")[0];
  if (potential.startsWith("ect-")) {
    const model = parseEctModelText(readFileSync(join(ROOT, "models", `${potential}.json`), "utf8"), potential);
    const r = (await EctCalculator.create(buildEctTables(model), { source: potential })).calculate(atoms);
    return { natoms: atoms.length, energy: r.energy, forces: r.forces, stress: r.stress, charges: r.charges, omega: r.grandPotential, mu: r.mu };
  }
  const calc = await EamCalculator.create(parseEamPotential(readFileSync(join(ROOT, "potentials", potential), "utf8"), { fileName: potential }));
  calc.onWarning = () => {};
  const r = calc.calculate(atoms);
  return { natoms: atoms.length, energy: r.energy, forces: r.forces, stress: r.stress, charges: null };
}

/** `===` on finite doubles is equality of bits except for the sign of zero, which JSON does not carry. */
function expectSameNumbers(actual: unknown, expected: ArrayLike<number>, what: string): void {
  expect(Array.isArray(actual) && actual.length === expected.length, `${what}: length`).toBe(true);
  for (let i = 0; i < expected.length; i++) {
    const v = (actual as unknown[])[i];
    expect(v === expected[i], `${what}[${i}]: ${String(v)} vs ${expected[i]}`).toBe(true);
  }
}

/** Checks an answer against docs/serverless.md's description of each field and the in-process numbers. */
function expectAnswer(got: Record<string, unknown>, potential: string, want: InProcess, where: string): void {
  expect(Object.keys(got).sort(), where).toEqual(want.omega === undefined ? ANSWER_KEYS : ECT_KEYS);
  expect(got.potential, where).toBe(potential);
  expect(got.natoms, where).toBe(want.natoms);
  expect(Object.is(got.energy, want.energy), `${where} energy ${String(got.energy)} vs ${want.energy}`).toBe(true);
  // one [fx, fy, fz] per atom, in input order
  const rows = got.forces as number[][];
  expect(rows.length, `${where} forces`).toBe(want.natoms);
  for (const row of rows) expect(row.length, `${where} forces`).toBe(3);
  expectSameNumbers(rows.flat(), want.forces, `${where} forces`);
  if (want.stress === null) expect(got.stress, `${where} stress`).toBeNull();
  else expectSameNumbers(got.stress, want.stress, `${where} stress`);
  if (want.charges === null) expect(got.charges, `${where} charges`).toBeNull();
  else expectSameNumbers(got.charges, want.charges, `${where} charges`);
  if (want.omega !== undefined) {
    expect(Object.is(got.omega, want.omega), `${where} omega`).toBe(true);
    expect(Object.is(got.mu, want.mu), `${where} mu`).toBe(true);
  }
}

// ------------------------------------------------------------------------------ runtimes
/** Node: the bundle alone in a temp folder, in a child process allowed to read only that folder. */
async function runNodeBundle(requests: Req[]): Promise<Map<string, Res>> {
  const dir = mkdtempSync(join(tmpdir(), "ect-eam-serverless-"));
  try {
    copyFileSync(NODE_BUNDLE, join(dir, "serverless.mjs"));
    writeFileSync(
      join(dir, "driver.mjs"),
      `import handler from "./serverless.mjs";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = {};
for (const r of JSON.parse(input)) {
  const res = await handler.fetch(new Request("http://function.local/", { method: r.method, body: r.body }));
  out[r.id] = { status: res.status, contentType: res.headers.get("content-type"), body: await res.text() };
}
// The package folder must be out of reach (permission model): prove it.
try {
  (await import("node:fs")).readFileSync(${JSON.stringify(join(ROOT, "package.json"))});
  out.packageReadable = true;
} catch (e) {
  out.packageReadable = e.code;
}
process.stdout.write(JSON.stringify(out));
`,
    );
    const permission = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";
    const child = spawn(process.execPath, ["--no-warnings", permission, `--allow-fs-read=${dir}/*`, "driver.mjs"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.end(JSON.stringify(requests));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`node child exited with ${code}: ${stderr}`);
    const out = JSON.parse(stdout) as Record<string, Res> & { packageReadable: unknown };
    if (out.packageReadable !== "ERR_ACCESS_DENIED") throw new Error(`the child could read the package folder (${String(out.packageReadable)})`);
    return new Map(Object.entries(out).filter(([k]) => k !== "packageReadable") as [string, Res][]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dispatchAll(mf: Miniflare, requests: Req[]): Promise<Map<string, Res>> {
  const out = new Map<string, Res>();
  for (const r of requests) {
    const res = await mf.dispatchFetch("http://worker.local/", { method: r.method, body: r.body });
    out.set(r.id, { status: res.status, contentType: res.headers.get("content-type"), body: await res.text() });
  }
  return out;
}

let nodeResults: Map<string, Res>;
let edgeResults: Map<string, Res>;
const references = new Map<string, InProcess>();

beforeAll(async () => {
  ensureBundles();
  for (const [id, potential, structure] of GOOD) references.set(id, await inProcess(potential, structure));
  references.set("cu-after-errors", references.get("cu")!);
  const mf = new Miniflare({
    modules: true,
    modulesRoot: EDGE_DIR,
    scriptPath: EDGE_WORKER,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: COMPATIBILITY_DATE,
  });
  try {
    [nodeResults, edgeResults] = await Promise.all([runNodeBundle(REQUESTS), dispatchAll(mf, REQUESTS)]);
  } finally {
    await mf.dispose();
  }
}, 180_000);

const targets = () =>
  [
    ["node (dist/serverless.mjs)", nodeResults],
    ["workerd (dist/edge/)", edgeResults],
  ] as const;

describe("serverless bundles answer like the in-process calculators, bit for bit", () => {
  for (const [id, potential] of GOOD.map(([i, p]) => [i, p]).concat([["cu-after-errors", "Cu_u3.eam"]])) {
    it(`${id} (${potential})`, () => {
      const expected = references.get(id)!;
      for (const [name, results] of targets()) {
        const res = results.get(id)!;
        expect(res.status, `${name}: ${res.body.slice(0, 300)}`).toBe(200);
        expect(res.contentType).toMatch(/^application\/json/);
        expectAnswer(JSON.parse(res.body) as Record<string, unknown>, potential, expected, `${name} ${id}`);
      }
      // Both runtimes print the same JSON text.
      expect(edgeResults.get(id)!.body).toBe(nodeResults.get(id)!.body);
    });
  }

  it("EAM answers agree with LAMMPS on the reference fixtures (the tolerances of test/reference.test.ts)", () => {
    for (const [id, file] of Object.entries(FROM_LAMMPS)) {
      const ref = parseExtxyz(fixture(file), file)[0];
      const n = ref.length;
      const f = ref.arrays.forces.data as Float64Array;
      const s = ref.info.stress as number[] | undefined;
      for (const [name, results] of targets()) {
        const got = JSON.parse(results.get(id)!.body) as { energy: number; forces: number[][]; stress: number[] | null };
        expect(Math.abs(got.energy - (ref.info.energy as number)) / n, `${name} ${id} energy`).toBeLessThan(1e-9);
        const flat = got.forces.flat();
        for (let k = 0; k < 3 * n; k++) expect(Math.abs(flat[k] - f[k]), `${name} ${id} force ${k}`).toBeLessThan(1e-8);
        if (s === undefined) expect(got.stress).toBeNull();
        else {
          // 3x3 row-major in the fixture, Voigt xx yy zz yz xz xy in the answer; both -virial/V
          const voigt = [s[0], s[4], s[8], s[5], s[2], s[1]];
          for (let k = 0; k < 6; k++) expect(Math.abs(got.stress![k] - voigt[k]), `${name} ${id} stress ${k}`).toBeLessThan(1e-9);
        }
      }
    }
  });

  it("stress is null for a cluster, six numbers for a crystal; charges only for ECT", () => {
    const cluster = JSON.parse(nodeResults.get("cu-cluster")!.body);
    const crystal = JSON.parse(nodeResults.get("cu")!.body);
    const dimer = JSON.parse(nodeResults.get("nacl-dimer")!.body);
    expect(cluster.stress).toBeNull();
    expect(crystal.stress).toHaveLength(6);
    expect(crystal.charges).toBeNull();
    expect(dimer.stress).toBeNull();
    expect(dimer.charges).toHaveLength(2);
    expect(dimer.charges[0]).toBeGreaterThan(0.5); // Na gives its electron to Cl
    expect(dimer.charges[0] + dimer.charges[1]).toBeCloseTo(0, 9);
  });

  it("GET answers the usage with the bundled potentials", () => {
    for (const [, results] of targets()) {
      const res = results.get("usage")!;
      expect(res.status).toBe(200);
      const usage = JSON.parse(res.body);
      expect(usage.potentials.map((p: { name: string }) => p.name)).toEqual(["Cu_u3.eam", "CuNi.eam.alloy", "Fe_mm.eam.fs", "AlFe_mm.eam.fs", "ect-starter", "ect-fitted"]);
      expect(usage.potentials.find((p: { name: string }) => p.name === "ect-starter").style).toBe("ect-eam");
      expect(usage.limits).toEqual({ maxBodyBytes: 5242880, maxAtoms: 20000, maxAtomsEct: 1000 });
    }
  });
});

describe("bad requests get a 4xx JSON answer, never a crash", () => {
  for (const [req, status, message] of BAD) {
    it(`${req.id} -> ${status}`, () => {
      for (const [name, results] of targets()) {
        const res = results.get(req.id)!;
        expect(res.status, `${name}: ${res.body.slice(0, 300)}`).toBe(status);
        expect(res.contentType).toMatch(/^application\/json/);
        const body = JSON.parse(res.body);
        expect(Object.keys(body)).toEqual(["error"]);
        expect(body.error, name).toContain(message);
      }
    });
  }
});

describe("why there are two targets", () => {
  let mf: Miniflare | undefined;
  afterAll(async () => {
    await mf?.dispose();
  });

  it("workerd refuses to compile wasm from bytes: the Node bundle there answers 500 JSON, the edge bundle 200", async () => {
    mf = new Miniflare({
      modules: true,
      modulesRoot: dirname(NODE_BUNDLE),
      scriptPath: NODE_BUNDLE,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: ["nodejs_compat"],
    });
    const res = await mf.dispatchFetch("http://worker.local/", { method: "POST", body: JSON.stringify({ structure: NACL_DIMER, potential: "ect-starter" }) });
    expect(res.status).toBe(500);
    expect((await res.json()) as { error: string }).toEqual({ error: expect.stringContaining("Wasm code generation disallowed by embedder") });
    expect(edgeResults.get("nacl-dimer")!.status).toBe(200);
  }, 60_000);

  it("the edge worker imports nothing but the wasm module next to it", () => {
    const code = readFileSync(EDGE_WORKER, "utf8");
    const specifiers = [...code.matchAll(/\bimport\s*(?:[\w$]+\s*from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
    expect(specifiers).toEqual(["./eam.simd.wasm"]);
  });
});

describe("bundle sizes", () => {
  it("raw and gzip (level 9); the edge worker fits Cloudflare's 3 MB compressed limit of the free plan", () => {
    const measure = (path: string) => {
      const bytes = readFileSync(path);
      return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    };
    const node = measure(NODE_BUNDLE);
    const worker = measure(EDGE_WORKER);
    const wasm = measure(EDGE_WASM);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const rows = [
      ["dist/serverless.mjs", node],
      ["dist/edge/worker.mjs", worker],
      ["dist/edge/eam.simd.wasm", wasm],
      ["dist/edge/ (total)", { raw: worker.raw + wasm.raw, gzip: worker.gzip + wasm.gzip }],
    ] as const;
    console.log(["bundle sizes:", ...rows.map(([f, s]) => `  ${f.padEnd(26)} ${kib(s.raw).padStart(11)} raw ${kib(s.gzip).padStart(11)} gzip`)].join("\n"));
    expect(worker.gzip + wasm.gzip).toBeLessThan(3_000_000);
    expect(node.raw).toBeLessThan(50_000_000);
  });
});
