// The browser bundle in a real browser (Debian's chromium, driven by playwright-core): the wasm is
// fetched and instantiated the same way as under Node and gives the same numbers.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS } from "./helpers/demo-server.js";
import { describeWith, need } from "./helpers/tools.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk } from "../src/structures/lattice.js";

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".eam": "text/plain" };

describeWith("chromium", "browser bundle", () => {
  let server: Server;
  let browser: Browser;
  let port = 0;

  beforeAll(async () => {
    if (!existsSync("dist/browser/index.js")) throw new Error("dist/browser/index.js is missing: npm test builds it (npm run build)");
    const root = process.cwd();
    server = createServer((req, res) => {
      const path = normalize(join(root, decodeURIComponent((req.url ?? "/").split("?")[0])));
      if (!path.startsWith(root) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    port = (server.address() as { port: number }).port;
    browser = await chromium.launch({
      executablePath: need("chromium"),
      args: CHROMIUM_ARGS,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => server?.close(() => ok()));
  });

  it("evaluates a crystal with the SIMD wasm and matches Node to the last bit", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/test/browser/smoke.html`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 });
    const result = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as { energy?: number; fx0?: number; simd?: string; error?: string };
    expect(result.error).toBeUndefined();
    const calc = await EamCalculator.create(readEamPotentialFile("potentials/Cu_u3.eam"));
    const atoms = bulk("Cu", "fcc", 3.615, 3);
    atoms.positions[0] += 0.1;
    const r = calc.calculate(atoms);
    expect(result.simd).toBe("simd");
    expect(result.energy).toBe(r.energy);
    expect(result.fx0).toBe(r.forces[0]);
  }, 60_000);
});
