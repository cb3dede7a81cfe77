/**
 * 216-atom LiH with the shipped model (models/ect-fitted.json) under a thermostat and barostat. Split
 * from test/verify/fit-model-md.test.ts so that vitest runs it beside the other long runs.
 */
import { describe, expect, it, vi } from "vitest";

// Long physics runs (npm run verify): each test may take minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 1_800_000 });
import { MolecularDynamics } from "../../src/dynamics/driver.js";
import { xlCrystal } from "../helpers/fitted-md.js";

describe("216-atom LiH with a thermostat and barostat (the run that found a polarization catastrophe through neutral Li)", () => {
  // With alpha(Li0) = alpha(Li-) = 5 A^3 this run failed at step 46-50 with exact and with
  // extended-Lagrangian solves alike: the solver fell into states with H+ next to polarizable
  // neutral Li, induction -1805 eV (docs/ect-eam.md, "Polarization catastrophe"). At 1 A^3 it holds.
  it("Langevin 300 K + Berendsen 0 bar, 400 steps of 0.5 fs: every solve converges and the crystal stays rock-salt", async () => {
    const { calc, atoms } = await xlCrystal("Li", "H", 3.99, 3, 2);
    const md = new MolecularDynamics(calc, atoms, {
      dt: 0.5,
      thermostat: { kind: "langevin", temperature: 300, tdamp: 100, seed: 2 },
      barostat: { kind: "berendsen", pressure: 0, pdamp: 1000, couple: "iso", compressibility: 2e-6 },
    });
    md.run(400, { thermoEvery: 50 });
    // At 300 K single Li-H distances reach past 0.6 a in this cell, so the test here is by order:
    // every Li's six nearest neighbours are H.
    const p = md.atoms.positions, L = md.atoms.cell[0], S = md.atoms.symbols;
    for (let i = 0; i < S.length; i++) {
      if (S[i] !== "Li") continue;
      const near: [number, string][] = [];
      for (let j = 0; j < S.length; j++) {
        if (j === i) continue;
        let d2 = 0;
        for (let c = 0; c < 3; c++) { let x = p[3 * j + c] - p[3 * i + c]; x -= L * Math.round(x / L); d2 += x * x; }
        near.push([d2, S[j]]);
      }
      near.sort((u, v) => u[0] - v[0]);
      expect(near.slice(0, 6).map((e) => e[1]), `six nearest neighbours of atom ${i}`).toEqual(["H", "H", "H", "H", "H", "H"]);
    }
  });
});
