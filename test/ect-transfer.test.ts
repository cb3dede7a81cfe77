/**
 * Bond transfer (models with "transfer": "bond"): the latent-variable gradient, forces and stress
 * against finite differences, the two-configuration limit of one pair, smooth avoided crossings,
 * fragments that keep their charge, separated atoms in periodic boxes, charged systems and PPLB
 * linearity (energy conservation in MD: test/verify/nve.test.ts). The model is a hand-set test fixture (not fitted): these
 * are properties of the formulation, true for any parameters.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { rocksalt } from "../src/structures/lattice.js";
import { allocateBonds, bondEnergy, updateLive } from "../src/ect/transfer/bonds.js";
import { TransferWork, weightsFromVariables } from "../src/ect/transfer/transfer-energy.js";
import { forceError, stressTraceCheck } from "./helpers/ect-finite-diff.js";
import { calculatorOf } from "./helpers/ect-tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
const json = () => JSON.parse(readFileSync(FIXTURE, "utf8"));
/** The fixture's JSON, edited. */
const model = (edit?: (m: Record<string, any>) => void): Record<string, any> => {
  const m = json();
  edit?.(m);
  return m;
};
// Tables built once per model variant of this file (eleven variants, about forty calculators):
// test/helpers/ect-tables.ts. Each test still gets a fresh engine.
const calcFor = (m: Record<string, any>) => calculatorOf(m, "ect-bond-test.json");
const dimer = (a: string, b: string, r: number) => new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.1, -0.2, r] });
const ewald = (cutoff = 9) => (m: Record<string, any>) => (m.electrostatics = { longRange: "ewald", cutoff, ewaldAccuracy: 1e-8 });
const dsf = (m: Record<string, any>) => (m.electrostatics = { longRange: "dsf", cutoff: 11, dsfAlpha: 0.28 });
/** Induction on: anions and cations polarizable (hand-set values of the order of the free ions'). */
const polarizable = (m: Record<string, any>) => {
  m.polarization = { cutoff: 8 };
  const alpha: Record<string, number[]> = { H: [0, 0.67, 3], Li: [0.03, 20, 30], Na: [0.15, 20, 30], F: [0.5, 0.6, 1.0], Cl: [1.5, 2.2, 3.5] };
  for (const [el, a] of Object.entries(alpha)) {
    if (!m.elements[el]) continue;
    m.elements[el].dampingRadius = 0.4;
    m.elements[el].states.forEach((st: Record<string, unknown>, k: number) => (st.polarizability = a[k]));
  }
};

describe("bond transfer: derivatives", () => {
  it("the latent-variable gradient matches central differences of E (cluster, all channels)", async () => {
    const calc = await calcFor(model());
    const atoms = new Atoms({ symbols: ["Li", "F", "Li", "H", "H"], positions: [0, 0, 0, 1.7, 0.2, 0, 0.3, 2.1, 0.4, 2.2, 2.3, -0.3, -1.4, 0.5, 0.9] });
    calc.calculate(atoms);
    const e = calc.engine;
    const x0 = e.bond!.x.slice();
    // Move off the optimum (where the gradient would be ~0) but stay feasible.
    for (let k = 0; k < x0.length; k++) x0[k] = 0.8 * x0[k] + 0.01 * ((k % 5) - 2);
    const g = new Float64Array(x0.length);
    e.transferEnergyAt(x0, g);
    let worst = 0, scale = 0;
    for (let k = 0; k < x0.length; k++) {
      const h = 1e-6;
      const xp = x0.slice(), xm = x0.slice();
      xp[k] += h;
      xm[k] -= h;
      const fd = (e.transferEnergyAt(xp) - e.transferEnergyAt(xm)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - g[k]));
      scale = Math.max(scale, Math.abs(g[k]));
    }
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-6 * Math.max(1, scale));
  });

  it("forces are -dE/dR at the solved variables (cluster)", async () => {
    const calc = await calcFor(model());
    const atoms = new Atoms({ symbols: ["Na", "Cl", "Li", "F"], positions: [0, 0, 0, 2.5, 0.3, 0, 0.2, 3.1, 0.5, 2.6, 3.0, -0.4] });
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("with induction: the latent-variable gradient and the forces match central differences", async () => {
    const calc = await calcFor(model(polarizable));
    const atoms = new Atoms({ symbols: ["Na", "Cl", "Li", "F", "H"], positions: [0, 0, 0, 2.5, 0.3, 0, 0.2, 3.1, 0.5, 2.6, 3.0, -0.4, -1.2, 1.4, 1.1] });
    calc.calculate(atoms);
    expect(Math.abs(calc.engine.energyTerms().induction)).toBeGreaterThan(0.05);
    const e = calc.engine;
    const x0 = e.bond!.x.slice();
    for (let k = 0; k < x0.length; k++) x0[k] = 0.8 * x0[k] + 0.01 * ((k % 5) - 2);
    const g = new Float64Array(x0.length);
    e.transferEnergyAt(x0, g);
    let worst = 0;
    for (let k = 0; k < x0.length; k++) {
      const xp = x0.slice(), xm = x0.slice();
      xp[k] += 1e-6;
      xm[k] -= 1e-6;
      worst = Math.max(worst, Math.abs((e.transferEnergyAt(xp) - e.transferEnergyAt(xm)) / 2e-6 - g[k]));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("with induction: the field vanishes in a perfect rock-salt crystal and forces and stress stay exact when rattled", async () => {
    const calc = await calcFor(model((m) => (polarizable(m), ewald()(m))));
    calc.calculate(rocksalt("Na", "Cl", 5.5, 1));
    expect(Math.abs(calc.engine.energyTerms().induction)).toBeLessThan(1e-12);
    const base = rocksalt("Na", "Cl", 5.4, 1);
    const p = Float64Array.from(base.positions);
    for (let k = 0; k < p.length; k++) p[k] += 0.07 * Math.sin(3.1 * k + 1);
    const atoms = new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
  });

  it("forces and stress are exact in a periodic cell (Ewald)", async () => {
    const calc = await calcFor(model(ewald()));
    const base = rocksalt("Na", "Cl", 5.4, 1);
    const p = Float64Array.from(base.positions);
    for (let k = 0; k < p.length; k++) p[k] += 0.07 * Math.sin(3.1 * k + 1);
    const atoms = new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
    // stress: -dE/d(strain)/V for a uniform expansion
    const { traceTimesVolume, dEds } = stressTraceCheck(calc, atoms);
    expect(Math.abs(traceTimesVolume - dEds)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dEds)));
  });
});

describe("bond transfer: one pair is the two-configuration valence-bond problem", () => {
  it("along the channel, E(p) = (1-p) E_cov + p E_ion + 2 h sqrt(p (1-p)) when the embeddings are off", async () => {
    const m = model((j) => {
      for (const el of ["Na", "Cl"]) for (const s of j.elements[el].states) s.embedding = { form: "zero" };
    });
    const calc = await calcFor(m);
    const r = 3.3;
    calc.calculate(dimer("Na", "Cl", r));
    const e = calc.engine;
    const at = (p: number) => {
      const x = new Float64Array(e.bond!.x.length);
      const fwd = e.bond!.bonds!.i[0] === 0 ? 0 : 1; // channel Na -> Cl
      x[fwd] = Math.sqrt(p);
      return e.transferEnergyAt(x);
    };
    const d = Math.hypot(0.1, -0.2, r); // dimer() is tilted
    const h = -10 * Math.exp(-0.6 * d); // the fixture's coupling, untapered there
    const eCov = at(0), eIon = at(1);
    for (const p of [0.1, 0.37, 0.5, 0.8, 0.95]) {
      expect(at(p)).toBeCloseTo((1 - p) * eCov + p * eIon + 2 * h * Math.sqrt(p * (1 - p)), 6);
    }
  });

  it("the NaCl ionic-covalent crossing is avoided: charge and force change smoothly", async () => {
    const calc = await calcFor(model());
    let prevQ = NaN, prevF = NaN, prevE = NaN;
    let maxDq = 0, maxDf = 0, maxForceMismatch = 0;
    const step = 0.01;
    for (let r = 8.0; r <= 11.2 + 1e-9; r += step) {
      const res = calc.calculate(dimer("Na", "Cl", r));
      const q = res.charges[0], f = res.forces[5], en = res.grandPotential;
      if (Number.isFinite(prevQ)) {
        maxDq = Math.max(maxDq, Math.abs(q - prevQ));
        maxDf = Math.max(maxDf, Math.abs(f - prevF));
        // the force at the midpoint against the energy difference: no jumps hidden between points
        maxForceMismatch = Math.max(maxForceMismatch, Math.abs(-(en - prevE) / step - 0.5 * (f + prevF)));
      }
      prevQ = q; prevF = f; prevE = en;
    }
    const first = calc.calculate(dimer("Na", "Cl", 8.0)).charges[0];
    expect(first).toBeGreaterThan(0.85); // ionic before the crossing
    expect(Math.abs(prevQ)).toBeLessThan(1e-12); // neutral past the transfer cutoff
    expect(maxDq).toBeLessThan(0.05);
    expect(maxDf).toBeLessThan(0.02);
    expect(maxForceMismatch).toBeLessThan(1e-3);
  });

  it("a pair still in the bond list but past its coupling's cutoff solves cold to two neutral atoms (finite energy)", async () => {
    // Li-H couples up to 6 A; the list reaches further (skin). The ionic start must not divide 0 by 0.
    const calc = await calcFor(model());
    for (const r of [6.0005, 6.0096, 6.05, 6.3]) {
      calc.engine.coldStart();
      const res = calc.calculate(dimer("Li", "H", r));
      expect(Number.isFinite(res.grandPotential), `Omega at ${r} A`).toBe(true);
      expect(Math.abs(res.charges[0]), `q at ${r} A`).toBeLessThan(1e-9);
    }
  });

  it("a symmetric pair (H2) stays neutral at every separation", async () => {
    const calc = await calcFor(model());
    for (const r of [0.6, 0.74, 1.2, 2, 3.5, 6]) {
      calc.engine.coldStart();
      const q = calc.calculate(dimer("H", "H", r)).charges;
      expect(Math.abs(q[0])).toBeLessThan(1e-9);
    }
  });
});

describe("bond transfer: fragments keep their charge", () => {
  const molecules: Record<string, { symbols: string[]; positions: number[] }> = {
    HF: { symbols: ["H", "F"], positions: [0, 0, 0, 0, 0, 0.92] },
    LiH: { symbols: ["Li", "H"], positions: [0, 0, 0, 0, 0, 1.6] },
    NaCl: { symbols: ["Na", "Cl"], positions: [0, 0, 0, 0, 0, 2.36] },
    LiF: { symbols: ["Li", "F"], positions: [0, 0, 0, 0, 0, 1.56] },
  };
  const place = (names: string[], shift: number, cell?: number) => {
    const symbols: string[] = [], positions: number[] = [];
    names.forEach((n, k) => {
      const mol = molecules[n];
      symbols.push(...mol.symbols);
      for (let a = 0; a < mol.symbols.length; a++) positions.push(mol.positions[3 * a] + 1 + k * shift, mol.positions[3 * a + 1] + 1.3, mol.positions[3 * a + 2] + 1.7);
    });
    return cell ? new Atoms({ symbols, positions, cell: [cell, 0, 0, 0, cell, 0, 0, 0, cell], pbc: [true, true, true] }) : new Atoms({ symbols, positions });
  };

  for (const [a, b] of [["HF", "LiH"], ["HF", "NaCl"], ["LiH", "NaCl"], ["LiF", "NaCl"]]) {
    it(`${a} and ${b} 100 A apart in vacuum: zero net charge each, Omega the sum of the parts`, async () => {
      const calc = await calcFor(model());
      const both = calc.calculate(place([a, b], 100));
      const qa = both.charges[0] + both.charges[1], qb = both.charges[2] + both.charges[3];
      expect(Math.abs(qa)).toBeLessThan(1e-12);
      expect(Math.abs(qb)).toBeLessThan(1e-12);
      calc.engine.coldStart();
      const ea = calc.calculate(place([a], 0)).grandPotential;
      calc.engine.coldStart();
      const eb = calc.calculate(place([b], 0)).grandPotential;
      expect(Math.abs(both.grandPotential - ea - eb)).toBeLessThan(1e-4);
    });
  }

  for (const lr of ["ewald", "dsf"] as const) {
    it(`HF and NaCl 30 A apart in a 60 A periodic box (${lr}): zero net charge each, Omega the sum of the parts`, async () => {
      const calc = await calcFor(model(lr === "ewald" ? ewald(11) : dsf));
      const both = calc.calculate(place(["HF", "NaCl"], 30, 60));
      expect(Math.abs(both.charges[0] + both.charges[1])).toBeLessThan(1e-12);
      expect(Math.abs(both.charges[2] + both.charges[3])).toBeLessThan(1e-12);
      calc.engine.coldStart();
      const ea = calc.calculate(place(["HF"], 0, 60)).grandPotential;
      calc.engine.coldStart();
      const eb = calc.calculate(place(["NaCl"], 0, 60)).grandPotential;
      expect(Math.abs(both.grandPotential - ea - eb)).toBeLessThan(1e-4);
    });
  }

  for (const lr of ["ewald", "dsf", "direct"] as const) {
    for (const box of [30, 40, 60]) {
      it(`a Na and a Cl atom in a ${box} A box (${lr}) stay neutral, Omega 0`, async () => {
        const calc = await calcFor(model(lr === "ewald" ? ewald(11) : lr === "dsf" ? dsf : undefined));
        const half = box / 2;
        const atoms =
          lr === "direct"
            ? new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, half, half, half] })
            : new Atoms({ symbols: ["Na", "Cl"], positions: [1, 1, 1, 1 + half, 1 + half, 1 + half], cell: [box, 0, 0, 0, box, 0, 0, 0, box], pbc: [true, true, true] });
        const res = calc.calculate(atoms);
        expect(Math.abs(res.charges[0])).toBeLessThan(1e-12);
        expect(Math.abs(res.grandPotential)).toBeLessThan(1e-9);
      });
    }
  }
});

describe("bond transfer: charged systems", () => {
  it("NaCl+ and LiH- are solved with the requested total charge", async () => {
    const calc = await calcFor(model());
    for (const [mol, q] of [[["Na", "Cl", 2.5], 1], [["Li", "H", 1.7], -1], [["Na", "Cl", 2.5], 0.5]] as const) {
      const [a, b, r] = mol;
      calc.engine.coldStart();
      const atoms = dimer(a, b, r);
      calc.engine.setAtoms(atoms, "test", { totalCharge: q });
      calc.engine.compute();
      const charges = calc.engine.charges();
      expect(charges[0] + charges[1]).toBeCloseTo(q, 12);
    }
  });

  it("an isolated Na atom: E(N) is linear between integers (Omega at q = 0.5 is the mean of q = 0 and 1)", async () => {
    const calc = await calcFor(model());
    const na = new Atoms({ symbols: ["Na"], positions: [0, 0, 0] });
    const at = (q: number) => {
      calc.engine.setAtoms(na, "test", { totalCharge: q });
      calc.engine.compute();
      return calc.engine.grandPotential();
    };
    const e0 = at(0), e1 = at(1), eh = at(0.5), em = at(-0.5), en = at(-1);
    expect(e1 - e0).toBeCloseTo(5.139, 6); // IP of the fixture's Na+
    expect(Math.abs(eh - 0.5 * (e0 + e1))).toBeLessThan(1e-3);
    expect(Math.abs(em - 0.5 * (e0 + en))).toBeLessThan(1e-3);
  });
});

describe("bond transfer: long range and restarts", () => {
  it("a molecule is summed directly whatever the model's periodic choice (DSF and Ewald models give the direct result)", async () => {
    const direct = await calcFor(model());
    const viaDsf = await calcFor(model(dsf));
    const viaEwald = await calcFor(model(ewald(11)));
    const atoms = new Atoms({ symbols: ["Na", "Cl", "Li", "F"], positions: [0, 0, 0, 2.5, 0.3, 0, 0.2, 3.1, 0.5, 2.6, 3.0, -0.4] });
    const e = direct.calculate(atoms).grandPotential;
    expect(viaDsf.calculate(atoms).grandPotential).toBeCloseTo(e, 10);
    expect(viaEwald.calculate(atoms).grandPotential).toBeCloseTo(e, 10);
  });

  it("the solver state carries an MD run over to another engine bit for bit", async () => {
    const a = await calcFor(model(dsf)), b = await calcFor(model(dsf));
    const atoms = rocksalt("Na", "Cl", 5.6, 1);
    const p = Float64Array.from(atoms.positions);
    for (let k = 0; k < p.length; k++) p[k] += 0.06 * Math.cos(5.1 * k);
    const start = new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc });
    a.engine.setAtoms(start);
    a.engine.compute();
    a.engine.runVerlet(5, 1.0);
    // b takes a's positions, velocities, neighbor list and solver state; both then run 5 more steps
    b.engine.setAtoms(new Atoms({ symbols: atoms.symbols, positions: a.engine.positions(), cell: atoms.cell, pbc: atoms.pbc }));
    b.engine.setVelocities(a.engine.velocities());
    b.engine.rebuild();
    b.engine.setNeighborOrder(a.engine.neighborOrder());
    b.engine.setSolverState(a.engine.solverState());
    b.engine.compute();
    a.engine.compute();
    expect(Array.from(b.engine.forces())).toEqual(Array.from(a.engine.forces()));
    a.engine.runVerlet(5, 1.0);
    b.engine.runVerlet(5, 1.0);
    expect(Array.from(b.engine.positions())).toEqual(Array.from(a.engine.positions()));
    expect(b.engine.grandPotential()).toBe(a.engine.grandPotential());
  });
});

describe("bond transfer: bond sums in any bond order", () => {
  it("weights and bond terms of an unsorted bond set (one atom's bonds not consecutive, a self pair) match the plain per-bond sums", () => {
    const n = 5, pairs = [[0, 1], [2, 0], [0, 3], [1, 2], [0, 4], [3, 1], [3, 3], [0, 2], [4, 3]];
    const b = allocateBonds(pairs.length);
    b.count = pairs.length;
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    pairs.forEach(([i, j], k) => {
      b.i[k] = i;
      b.j[k] = j;
      b.h[k] = rnd() - 0.5;
      b.dFwd[k] = rnd();
      b.dRev[k] = rnd();
      b.fwdCap[k] = k % 3 === 2 ? 0 : 1;
      b.revCap[k] = k % 4 === 1 ? 0 : 1;
    });
    updateLive(b);
    const roles = { cation: Int32Array.from([0, 0, -1, 0, 0]), neutral: Int32Array.from([1, 1, 0, 1, 1]), anion: Int32Array.from([2, 2, 1, -1, 2]) };
    const x = Float64Array.from({ length: 2 * b.count + n }, () => 0.2 * rnd());
    const work = new TransferWork(n, b.count);
    const lowest = weightsFromVariables({ bonds: b, roles, charge: 0 }, x, work);
    const wp = new Float64Array(n), wm = new Float64Array(n);
    for (let k = 0; k < b.count; k++) {
      const f = b.fwdOn[k] ? x[k] ** 2 : 0, r = b.revOn[k] ? x[b.count + k] ** 2 : 0;
      wp[b.i[k]] += f;
      wm[b.j[k]] += f;
      wp[b.j[k]] += r;
      wm[b.i[k]] += r;
    }
    for (let i = 0; i < n; i++) {
      expect(work.wPlus[i]).toBe(wp[i]);
      expect(work.wMinus[i]).toBe(wm[i]);
      expect(work.w0[i]).toBe(1 - wp[i] - wm[i]);
    }
    expect(lowest).toBe(Math.min(...work.w0));
    const g0 = new Float64Array(n), gf = new Float64Array(b.count), gr = new Float64Array(b.count);
    bondEnergy(b, x.subarray(0, b.count), x.subarray(b.count, 2 * b.count), work.w0, g0, gf, gr);
    const ref = new Float64Array(n);
    for (let k = 0; k < b.count; k++) {
      const i = b.i[k], j = b.j[k], wi = work.w0[i], wj = work.w0[j];
      const m = Math.sqrt(Math.sqrt(wi * wj));
      const f = b.fwdOn[k] ? x[k] : 0, rv = b.revOn[k] ? x[b.count + k] : 0;
      const dEdm = 2 * b.h[k] * (f + rv) + 2 * (b.dFwd[k] * f * f + b.dRev[k] * rv * rv) * m;
      ref[i] += (dEdm * m) / (4 * wi);
      ref[j] += (dEdm * m) / (4 * wj);
    }
    for (let i = 0; i < n; i++) expect(g0[i]).toBe(ref[i]);
  });
});
