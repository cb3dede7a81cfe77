// Shared by the browser tests: Debian's chromium, the flags it needs on this closed network, and the
// demo page (dist/web) built when stale and served by scripts/serve-demo.mjs on a free port.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { need } from "./tools.js";

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
