// Shared by the browser tests: Debian's chromium, the flags it needs on this closed network, and the
// demo page (dist/web) built when stale and served by scripts/serve-demo.mjs on a free port.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { need } from "./tools.js";
import type { ThermoRow as PageRow } from "../../web/protocol.js";
import { EamEngine, VelocityVerlet, parseEamPotential, type Atoms, type ThermoRow } from "../../src/core.js";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Newest modification time (ms) of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the wasm kernels if they are missing and dist/web if it is missing or older than its sources. */
function buildIfNeeded(): void {
  if (!existsSync("dist/eam.simd.wasm") || !existsSync("dist/eam.scalar.wasm")) {
    execFileSync("npm", ["run", "build:wasm", "--silent"], { stdio: "inherit" });
  }
  const out = "dist/web/md.worker.js";
  const stale =
    !existsSync(out) ||
    !existsSync("dist/web/index.html") ||
    Math.max(newest("web"), newest("src"), statSync("dist/eam.simd.wasm").mtimeMs) > statSync(out).mtimeMs;
  if (stale) execFileSync(process.execPath, ["scripts/build-web.mjs"], { stdio: "inherit" });
}

/** A running demo server and browser; `close` stops both. */
export interface DemoSession {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds if needed, serves dist/web on a free loopback port and launches chromium. */
export async function startDemo(): Promise<DemoSession> {
  buildIfNeeded();
  const server: ChildProcess = spawn(process.execPath, ["scripts/serve-demo.mjs"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const base = await new Promise<string>((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`serve-demo printed no URL: ${out}`)), 15_000);
    const read = (d: Buffer) => {
      out += String(d);
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.on("exit", (code) => fail(new Error(`serve-demo exited (${code}): ${out}`)));
  });
  const browser = await chromium.launch({ executablePath: need("chromium"), args: CHROMIUM_ARGS });
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      server.kill();
    },
  };
}

/**
 * The demo server and browser for the tests of one describe block: started before them, closed after.
 * Read `browser` and `base` inside the tests.
 */
export function demoSession(): { readonly browser: Browser; readonly base: string } {
  let session: DemoSession | undefined;
  beforeAll(async () => {
    session = await startDemo();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });
  return {
    get browser() {
      return session!.browser;
    },
    get base() {
      return session!.base;
    },
  };
}

/**
 * A new page on the demo that records script errors (`problems`, which a test expects empty) and
 * refuses requests to other hosts.
 */
export async function openPage(demo: { browser: Browser; base: string }, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await demo.browser.newPage({ viewport, acceptDownloads: true });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/GL Driver Message/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(demo.base) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort();
  });
  await page.goto(demo.base);
  return { page, problems };
}

/** What the page's test hook `window.ectDemo.run` resolves to (web/main.ts RunResult); rows as the worker sends them. */
export interface PageResult {
  example: string;
  kind: string;
  mode: string;
  variant: string;
  settings: { dt: number; temperature: number; seed: number; steps: number; frameEvery: number };
  reason: string;
  steps: number;
  initialVelocities: number[];
  rows: PageRow[];
  shown: Record<string, string>;
}
export type DemoFiles = { trajectory: string; thermo: string; plots: string };
export type DemoWindow = { ectDemo: { run(opts: Record<string, unknown>): Promise<PageResult>; state(): string; downloads(): DemoFiles | null } };

/** A page on the demo (see openPage), once its test hook `window.ectDemo` is there. */
export async function openDemo(demo: { browser: Browser; base: string }, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const { page, problems } = await openPage(demo, viewport);
  await page.waitForFunction(() => (window as unknown as { ectDemo?: unknown }).ectDemo !== undefined, undefined, { timeout: 15_000 });
  return { page, problems };
}

/**
 * A page's Cu_u3 NVE run (`result`, from the page's initial velocities, thermo rows every `every`
 * steps) equals the same run on one engine in Node to round-off: potential and kinetic energy to 1e-9
 * relative (spatial domains sum the same terms in another order).
 */
export async function expectSameAsOneEngine(result: PageResult, atoms: Atoms, dt: number, steps: number, every: number): Promise<void> {
  atoms.velocities = Float64Array.from(result.initialVelocities);
  const engine = await EamEngine.create(parseEamPotential(readFileSync("potentials/Cu_u3.eam", "utf8"), { fileName: "Cu_u3.eam" }));
  engine.setAtoms(atoms);
  const rows: ThermoRow[] = [];
  new VelocityVerlet(engine, atoms, { dt }).run(steps, { thermoEvery: every, onThermo: (r) => rows.push(r) });
  expect(result.rows.length).toBe(rows.length);
  result.rows.forEach((r, k) => {
    expect(Math.abs(r.potential - rows[k].potential)).toBeLessThan(1e-9 * Math.abs(rows[k].potential));
    expect(Math.abs(r.kinetic - rows[k].kinetic)).toBeLessThan(1e-9 * Math.abs(rows[k].kinetic) + 1e-12);
  });
}

/**
 * Runs an EAM example on two spatial domains in the page (`workers: 2`; two when the browser reports
 * at least two cores) to the end; returns the page's result and its core count.
 */
export async function runOnTwoDomains(page: Page, example: string, steps: number, frameEvery: number): Promise<{ result: PageResult; cores: number }> {
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const opts = { example, steps, frameEvery, workers: 2 };
  const result = await page.evaluate((o) => (window as unknown as DemoWindow).ectDemo.run(o), opts);
  expect(result).toMatchObject({ example, kind: "eam", mode: "md", reason: "finished", steps });
  if (cores >= 2) expect((result as unknown as { domains: number }).domains).toBe(2);
  expect(await page.textContent("#status")).toMatch(new RegExp(`^finished at step ${steps}`));
  return { result, cores };
}
