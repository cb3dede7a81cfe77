// The browser demo's longer runs (npm run verify; moved here from test/demo.test.ts to keep npm test
// fast, which keeps a 40-step thermostat run and a 500-atom run on two domains): the thermostats heat
// the Cu crystal from 100 K toward 900 K over 400 steps, the cu-cores example (32,000 atoms) on two
// spatial domains in the page equals the same run on one engine in Node, and the NaCl and LiH dimers
// of the starter model pulled apart lose their charges (npm test pulls the fitted LiH dimer). Bands as
// they were there.
import { expect, it } from "vitest";
import { demoSession, expectSameAsOneEngine, openDemo, runOnTwoDomains, type DemoWindow } from "../helpers/demo-server.js";
import { describeWith } from "../helpers/tools.js";
import { bulk } from "../../src/core.js";
import type { ThermoRow as PageRow } from "../../web/protocol.js";

describeWith("chromium", "browser demo page: long runs", () => {
  const demo = demoSession();

  it("runs NVT: Langevin and Nose-Hoover thermostats heat the crystal toward their target over 400 steps", async () => {
    const { page, problems } = await openDemo(demo);
    for (const thermostat of ["langevin", "nose-hoover"]) {
      const result = await page.evaluate((t) => (window as unknown as DemoWindow).ectDemo.run({ example: "cu", steps: 400, dt: 2, temperature: 100, thermostat: t, targetTemperature: 900, tdamp: 50 }), thermostat);
      expect(result).toMatchObject({ kind: "eam", mode: "md", reason: "finished", steps: 400 });
      const last = result.rows[result.rows.length - 1] as PageRow & { conserved?: number };
      // heated from 100 K toward 900 K (the lattice takes half of the kinetic energy it is given)
      expect(last.temperature).toBeGreaterThan(450);
      expect(Number.isFinite(last.conserved)).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("runs the cu-cores example (32,000 atoms) on two spatial domains: the energies of one engine in Node", async () => {
    const { page, problems } = await openDemo(demo);
    const { result, cores } = await runOnTwoDomains(page, "cu-cores", 40, 20);
    await expectSameAsOneEngine(result, bulk("Cu", "fcc", 3.615, 20), 2, 40, 20);
    console.log(`demo on ${cores} reported cores: ${await page.evaluate(() => (document.getElementById("status") as HTMLElement).textContent)}`);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it("pulls the NaCl and LiH dimers apart until their charges are gone", async () => {
    const { page, problems } = await openDemo(demo);
    for (const [example, r0, rEnd] of [["nacl", 2.3609, 20], ["lih", 1.5949, 8]] as const) {
      const result = await page.evaluate((ex) => (window as unknown as DemoWindow).ectDemo.run({ example: ex, frameDelayMs: 0 }), example);
      expect(result).toMatchObject({ example, kind: "ect", mode: "pull", variant: "simd", reason: "finished" });
      const first = result.rows[0];
      const last = result.rows[result.rows.length - 1];
      expect(first.x).toBeCloseTo(r0, 12);
      expect(last.x).toBeCloseTo(rEnd, 2);
      // Ionic at the bond length (cation first), neutral when pulled apart.
      expect(first.charges![0]).toBeGreaterThan(0.99);
      expect(first.charges![1]).toBeLessThan(-0.99);
      for (const q of last.charges!) expect(Math.abs(q)).toBeLessThan(1e-3);
      // The separation grows at every row.
      for (let k = 1; k < result.rows.length; k++) expect(result.rows[k].x).toBeGreaterThan(result.rows[k - 1].x);
      expect(await page.locator('#readout td[data-key="charges"]').textContent()).toMatch(/^\w+ 0\.000, \w+ 0\.000$/);
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
