/**
 * Separated fragments, periodic boxes and charged systems with the shipped model
 * (models/ect-fitted.json): molecules 100 A apart stay neutral and Omega is the sum of the parts, in
 * vacuum and in 200 A boxes (Ewald and DSF); a Na and a Cl atom in a box stay neutral; charged
 * molecules are solvable. Split from test/verify/fit-model.test.ts so that vitest runs the slow Ewald
 * boxes beside the rest.
 */
import { describe, expect, it, vi } from "vitest";
import { Atoms } from "../../src/atoms.js";
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModelText, type EctModel } from "../../src/ect/model.js";
import { buildEctTables } from "../../src/ect/tables.js";
import { modelText } from "../helpers/fitted-md.js";

// Long runs (npm run verify): each test may take a minute on a loaded 2-core machine.
vi.setConfig({ testTimeout: 1_800_000 });

/** The shipped model, changed by `edit`. */
const model = (edit?: (m: EctModel) => void): EctModel => {
  const m = parseEctModelText(modelText, "ect-fitted.json");
  edit?.(m);
  return m;
};
const calcFor = (m: EctModel) => EctCalculator.create(buildEctTables(m));

describe("separated fragments, boxes and charged systems with the fitted model", () => {
  const mols: Record<string, [string[], number[]]> = {
    HF: [["H", "F"], [0, 0, 0, 0, 0, 0.92]], LiH: [["Li", "H"], [0, 0, 0, 0, 0, 1.6]], NaCl: [["Na", "Cl"], [0, 0, 0, 0, 0, 2.4]], LiF: [["Li", "F"], [0, 0, 0, 0, 0, 1.59]],
  };
  const place = (names: string[], shift: number, box?: number) => {
    const s: string[] = [], p: number[] = [];
    names.forEach((n, k) => { s.push(...mols[n][0]); mols[n][1].forEach((v, j) => p.push(v + 1.5 + (j % 3 === 0 ? k * shift : 0))); });
    return box ? new Atoms({ symbols: s, positions: p, cell: [box, 0, 0, 0, box, 0, 0, 0, box], pbc: [true, true, true] }) : new Atoms({ symbols: s, positions: p });
  };
  for (const [a, b] of [["HF", "LiH"], ["HF", "NaCl"], ["LiH", "NaCl"], ["LiF", "NaCl"]]) {
    for (const where of ["vacuum", "ewald", "dsf"] as const) {
      // 100 A apart: in vacuum, and in a periodic box of 200 A (the periodic images of each molecule
      // are then 200 A away; the dipole-dipole energy of two polar molecules 30 A apart is ~1e-3 eV,
      // a physical interaction, not a leak).
      it(`${a} and ${b} 100 A apart (${where === "vacuum" ? "vacuum" : `in a 200 A box, ${where}`}): neutral fragments, Omega the sum of the parts`, async () => {
        const calc = await calcFor(model((m) => where === "ewald" && (m.electrostatics = { ...m.electrostatics, longRange: "ewald", cutoff: 11, ewaldAccuracy: 1e-5 })));
        const [shift, box] = where === "vacuum" ? [100, undefined] : [100, 200];
        const both = calc.calculate(place([a, b], shift, box));
        expect(Math.abs(both.charges[0] + both.charges[1])).toBeLessThan(1e-6);
        expect(Math.abs(both.charges[2] + both.charges[3])).toBeLessThan(1e-6);
        calc.engine.coldStart();
        const ea = calc.calculate(place([a], 0, box)).grandPotential;
        calc.engine.coldStart();
        const eb = calc.calculate(place([b], 0, box)).grandPotential;
        expect(Math.abs(both.grandPotential - ea - eb)).toBeLessThan(1e-4);
      });
    }
  }
  for (const lr of ["dsf", "ewald"] as const) {
    for (const box of [30, 40, 60]) {
      it(`a Na and a Cl atom in a ${box} A box (${lr}) stay neutral`, async () => {
        const calc = await calcFor(model((m) => lr === "ewald" && (m.electrostatics = { ...m.electrostatics, longRange: "ewald", cutoff: 11, ewaldAccuracy: 1e-6 })));
        const h = box / 2;
        const r = calc.calculate(new Atoms({ symbols: ["Na", "Cl"], positions: [1, 1, 1, 1 + h, 1 + h, 1 + h], cell: [box, 0, 0, 0, box, 0, 0, 0, box], pbc: [true, true, true] }));
        expect(Math.abs(r.charges[0])).toBeLessThan(1e-6);
        expect(Math.abs(r.grandPotential)).toBeLessThan(1e-6);
      });
    }
  }
  it("NaCl+ and LiH- are solvable with the right total charge; an isolated Na's Omega at q = 0.5 is the mean of q = 0 and 1", async () => {
    const calc = await calcFor(model());
    for (const [name, q] of [["NaCl", 1], ["LiH", -1]] as const) {
      calc.engine.setAtoms(place([name], 0), name, { totalCharge: q });
      calc.engine.compute();
      const ch = calc.engine.charges();
      expect(ch[0] + ch[1]).toBeCloseTo(q, 9);
    }
    const na = new Atoms({ symbols: ["Na"], positions: [0, 0, 0] });
    const omega = (q: number) => {
      calc.engine.setAtoms(na, "Na", { totalCharge: q });
      calc.engine.compute();
      return calc.engine.grandPotential();
    };
    expect(Math.abs(omega(0.5) - 0.5 * (omega(0) + omega(1)))).toBeLessThan(1e-3);
  });
});
