// The resonance coupling E_res = 2 sum_{i<j} h(r) [(w_i+ w_j- w_i0 w_j0)^(1/4) + (i <-> j)],
// h = -h0 exp(-kappa r), weights clamped at 1e-14 inside the roots, solved by the trust-region
// Newton minimization of Omega (src/ect/solver-newton.ts): the LiH curve is an avoided crossing
// with fractional charges, the solver's ground state is the minimum a brute-force search finds,
// the large-separation tail is the closed-form two-channel minimum, forces are derivatives of
// Omega where the weights are mixed, and MD conserves Omega + kinetic energy.
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EctEngine } from "../src/ect/engine.js";
import { rocksalt } from "../src/structures/lattice.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import type { EctModel } from "../src/ect/model.js";
import { worstExcursion } from "./helpers/ect-nve.js";

const base = readEctModelFile("models/ect-starter.json");
const index = (sym: string) => base.elements.findIndex((e) => e.symbol === sym);

/** The starter with one resonance coupling switched on. */
function withResonance(pair: [string, string], h0: number, kappa: number, extra: Partial<EctModel> = {}, cutoff?: number): EctModel {
  return {
    ...base,
    ...extra,
    cutoffs: { ...base.cutoffs, ...(cutoff ? { resonance: cutoff } : {}) },
    resonance: [{ key: `${pair[0]}-${pair[1]}`, a: index(pair[0]), b: index(pair[1]), h0, kappa }],
  } as EctModel;
}

// LiH with h0 = 12 eV, kappa = 0.5 / A: strong enough for a smooth crossing (see docs/ect-eam.md).
const lih = buildEctTables(withResonance(["Li", "H"], 12, 0.5));
const dimer = (r: number, sym: [string, string] = ["Li", "H"]) => new Atoms({ symbols: sym, positions: [0, 0, 0, 0, 0, r] });

/** Largest |F + dOmega/dR| (central differences, step 1e-5 A) relative to the largest force. */
function forceError(e: EctEngine, atoms: Atoms): number {
  e.setAtoms(atoms);
  e.compute();
  const f = e.forces();
  let worst = 0, scale = 1e-3;
  for (let k = 0; k < atoms.positions.length; k++) {
    const p = Float64Array.from(atoms.positions);
    const h = 1e-5;
    p[k] += h;
    e.setPositions(p);
    e.compute();
    const plus = e.grandPotential();
    p[k] -= 2 * h;
    e.setPositions(p);
    e.compute();
    const minus = e.grandPotential();
    e.setPositions(atoms.positions);
    worst = Math.max(worst, Math.abs(-(plus - minus) / (2 * h) - f[k]));
    scale = Math.max(scale, Math.abs(f[k]));
  }
  return worst / scale;
}

describe("resonance: LiH avoided crossing", () => {
  it("converges at every point of the curve 1.2-20 A, with a continuous, fractional charge that vanishes at 20 A", async () => {
    const e = await EctEngine.create(lih);
    e.solver.tolerance = 1e-11;
    const rs: number[] = [];
    for (let k = 0; 1.2 + 0.05 * k <= 20 + 1e-9; k++) rs.push(1.2 + 0.05 * k);
    const q: number[] = [], omega: number[] = [];
    e.setAtoms(dimer(rs[0]));
    for (const r of rs) {
      e.setPositions(dimer(r).positions); // warm: each point starts from the last one's weights
      e.compute();
      const rep = e.solverReport();
      expect(rep.residual).toBeLessThanOrEqual(1e-11);
      q.push(e.charges()[0]);
      omega.push(e.grandPotential());
    }
    let jump = 0;
    for (let k = 1; k < q.length; k++) jump = Math.max(jump, Math.abs(q[k] - q[k - 1]));
    expect(jump).toBeLessThan(0.04); // steepest near 1.2 A: 0.026 per 0.05 A
    const at = (r: number) => q[Math.round((r - 1.2) / 0.05)];
    expect(at(1.6)).toBeGreaterThan(0.2);
    expect(at(1.6)).toBeLessThan(0.95);
    for (const r of [2.0, 3.0, 4.0]) expect(at(r)).toBeGreaterThan(0.05); // no jump to a pure state
    expect(Math.abs(q[q.length - 1])).toBeLessThan(1e-6);
    // Cold starts (every start, lowest Omega) land on the same ground state as the warm scan.
    for (let k = 0; k < rs.length; k += 24) {
      e.setAtoms(dimer(rs[k]));
      e.compute();
      expect(e.solverReport().residual).toBeLessThanOrEqual(1e-11);
      expect(e.grandPotential()).toBeCloseTo(omega[k], 9);
      expect(Math.abs(e.charges()[0] - q[k])).toBeLessThan(1e-6);
    }
  }, 60_000);

  it("the solver's ground state is the minimum of a brute-force search over the weights", async () => {
    const e = await EctEngine.create(lih);
    e.solver.tolerance = 1e-12;
    // Weights (Li+, Li0, Li-, -, H+, H0, H-, -) with the charge constraint: three free numbers.
    const weights = (a: number, b: number, c: number) => {
      const d = a - b + c;
      return [a, 1 - a - b, b, 0, c, 1 - c - d, d, 0];
    };
    const feasible = (a: number, b: number, c: number) => weights(a, b, c).every((v) => v >= 0);
    for (const r of [1.6, 2.75, 4.0]) {
      e.setAtoms(dimer(r));
      e.compute();
      const solved = e.grandPotential();
      const q = e.charges()[0];
      const omegaOf = (a: number, b: number, c: number) => (feasible(a, b, c) ? e.grandPotentialAt(weights(a, b, c)) : Infinity);
      const n = 24;
      let best = { o: Infinity, a: 0, b: 0, c: 0 };
      for (let i = 0; i <= n; i++) {
        for (let j = 0; j <= n / 2; j++) {
          for (let k = 0; k <= n / 2; k++) {
            const o = omegaOf(i / n, j / n, k / n);
            if (o < best.o) best = { o, a: i / n, b: j / n, c: k / n };
          }
        }
      }
      // Pattern search down to 1e-10 in the weights from the best grid point.
      const dirs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, -1], [0, 1, 1], [1, -1, 0], [1, 0, 1], [0, 1, -1]];
      for (let step = 1 / n; step > 1e-10; ) {
        let moved = false;
        for (const [da, db, dc] of dirs) {
          for (const s of [step, -step]) {
            const o = omegaOf(best.a + s * da, best.b + s * db, best.c + s * dc);
            if (o < best.o) {
              best = { o, a: best.a + s * da, b: best.b + s * db, c: best.c + s * dc };
              moved = true;
            }
          }
        }
        if (!moved) step /= 2;
      }
      expect(solved).toBeLessThanOrEqual(best.o + 1e-10);
      expect(Math.abs(solved - best.o)).toBeLessThan(1e-8);
      expect(Math.abs(q - (best.a - best.b))).toBeLessThan(1e-4);
    }
  }, 60_000);

  it("beyond the short-range cutoffs the charge is the closed-form two-channel minimum: exponentially small, zero past the coupling's cutoff", async () => {
    // Cutoff 14 A; at r >= 9 A only the state energies, k q q / r and the resonance act, so Omega of
    // the dimer is a closed form in (w_Li+, w_Li-, w_H+) that a separate minimization can use.
    const tables = buildEctTables(withResonance(["Li", "H"], 12, 0.5, {}, 14));
    const e = await EctEngine.create(tables);
    e.solver.tolerance = 1e-13;
    const st = (sym: string) => tables.states[index(sym)];
    const energy = (sym: string, q: number) => st(sym).find((s) => s.charge === q)!.energy;
    const kT = tables.kT, k = tables.coulombConstant;
    const closedForm = (r: number, [la, lb, lc]: number[]) => {
      const a = Math.exp(la), b = Math.exp(lb), c = Math.exp(lc), d = a - b + c;
      if (!(d > 0) || a + b >= 1 || c + d >= 1) return Infinity;
      const n1 = 1 - a - b, n2 = 1 - c - d;
      const h = -12 * Math.exp(-0.5 * r);
      const clamp = (x: number) => Math.max(x, 1e-14);
      const e0 = a * energy("Li", 1) + b * energy("Li", -1) + c * energy("H", 1) + d * energy("H", -1)
        + (k * (a - b) * (c - d)) / r
        + 2 * h * (Math.sqrt(Math.sqrt(clamp(a) * clamp(d) * n1 * n2)) + Math.sqrt(Math.sqrt(clamp(c) * clamp(b) * n1 * n2)));
      const ent = [a, b, n1, c, d, n2].reduce((t, w) => t + w * Math.log(w), 0);
      return e0 + kT * ent;
    };
    const charges: number[] = [];
    for (const r of [9, 10, 11, 12]) {
      e.setAtoms(dimer(r));
      e.compute();
      const q = e.charges()[0];
      charges.push(q);
      // Nelder-Mead in log weights from the two-channel estimate w = (h / gap)^2.
      const h = 12 * Math.exp(-0.5 * r);
      const start = [Math.log((h / 4.64) ** 2), Math.log((h / 13) ** 2), Math.log((h / 13) ** 2)];
      const best = nelderMead((x) => closedForm(r, x), start, 0.5, 4000);
      const qRef = Math.exp(best[0]) - Math.exp(best[1]);
      expect(Math.abs(q - qRef) / qRef).toBeLessThan(1e-4);
      expect(e.grandPotential()).toBeCloseTo(closedForm(r, best), 8);
    }
    // q ~ (h / gap)^2 ~ exp(-2 kappa r): each Angstrom divides it by about e.
    for (let m = 1; m < charges.length; m++) {
      expect(charges[m - 1] / charges[m]).toBeGreaterThan(Math.E * 0.9);
      expect(charges[m - 1] / charges[m]).toBeLessThan(Math.E * 1.1);
    }
    e.setAtoms(dimer(20));
    e.compute();
    expect(Math.abs(e.charges()[0])).toBeLessThan(1e-12);
  }, 60_000);
});

describe("resonance: forces and dynamics", () => {
  it("forces equal -dOmega/dR (relative 1e-6) where the weights are mixed", async () => {
    const e = await EctEngine.create(lih);
    e.solver.tolerance = 1e-13;
    for (const r of [1.6, 2.75, 4.0]) {
      const atoms = new Atoms({ symbols: ["Li", "H"], positions: [0, 0, 0, 0.3, -0.2, r] });
      expect(forceError(e, atoms)).toBeLessThan(1e-6);
      e.setAtoms(atoms);
      e.compute();
      expect(e.charges()[0]).toBeGreaterThan(0.05);
    }
    // A bent LiH2 cluster: three resonance pairs sharing atoms.
    const tri = new Atoms({ symbols: ["H", "Li", "H"], positions: [-1.2, 0.9, 0.1, 0, 0, 0, 1.5, 0.6, -0.2] });
    expect(forceError(e, tri)).toBeLessThan(1e-6);
  }, 60_000);

  it("NaCl: forces are derivatives of Omega along the ionic branch, neutral beyond the coupling", async () => {
    const tables = buildEctTables(withResonance(["Na", "Cl"], 2, 0.45, {}, 14));
    const e = await EctEngine.create(tables);
    e.solver.tolerance = 1e-13;
    const nacl = (r: number) => new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 0.3, -0.2, r] });
    for (const r of [2.4, 5, 8]) expect(forceError(e, nacl(r))).toBeLessThan(1e-6);
    e.setAtoms(nacl(20));
    e.compute();
    expect(Math.abs(e.charges()[0])).toBeLessThan(1e-6);
  }, 60_000);

  it("NVE of a (LiH)2 cluster conserves Omega + kinetic energy with the velocity-Verlet dt^2 law", async () => {
    const drift = async (dt: number) => {
      const e = await EctEngine.create(lih);
      const atoms = new Atoms({ symbols: ["Li", "H", "Li", "H"], positions: [0, 0, 0, 1.62, 0.1, 0, 0.2, 2.3, 0.1, 1.5, 2.1, -0.2] });
      const worst = worstExcursion(e, atoms, 8, dt, () => expect(e.solverReport().residual).toBeLessThanOrEqual(e.solver.tolerance));
      const q = e.charges();
      expect(q[0]).toBeGreaterThan(0.1);
      expect(q[0]).toBeLessThan(0.9);
      return worst;
    };
    const coarse = await drift(0.2), fine = await drift(0.1);
    expect(fine).toBeLessThan(1e-2);
    expect(coarse / fine).toBeGreaterThan(3);
    expect(coarse / fine).toBeLessThan(5.5);
  }, 60_000);

  it("periodic LiH with resonance: warm MD converges every step and conserves Omega + kinetic energy", async () => {
    const tables = buildEctTables(withResonance(["Li", "H"], 12, 0.5, { electrostatics: { ...base.electrostatics, longRange: "dsf", cutoff: 8, dsfAlpha: 0.25 } }));
    const e = await EctEngine.create(tables);
    const atoms = rocksalt("Li", "H", 4.08, 1);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 3);
    e.setAtoms(atoms);
    e.compute();
    const start = e.grandPotential() + e.kineticEnergy();
    let worst = 0, iterations = 0;
    const steps = 40;
    e.runVerlet(steps, 0.25, () => {
      expect(e.solverReport().residual).toBeLessThanOrEqual(e.solver.tolerance);
      iterations += e.solverReport().iterations;
      worst = Math.max(worst, Math.abs(e.grandPotential() + e.kineticEnergy() - start));
    });
    expect(worst / atoms.length).toBeLessThan(1e-4);
    expect(iterations / steps).toBeLessThan(100);
    const q = e.charges();
    expect(Math.abs(q.reduce((t, v) => t + v, 0))).toBeLessThan(1e-10);
    expect(Math.abs(q[0])).toBeGreaterThan(1e-3); // mixed, not a pure state
  }, 60_000);
});

/** Nelder-Mead simplex minimization (standard coefficients) from x0 with initial edge `step`. */
function nelderMead(f: (x: number[]) => number, x0: number[], step: number, iterations: number): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((p, q) => p.v - q.v);
    const worst = simplex[n];
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((t, p) => t + p.x[j], 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const r = along(-1), fr = f(r);
    if (fr < simplex[0].v) {
      const ex = along(-2), fe = f(ex);
      simplex[n] = fe < fr ? { x: ex, v: fe } : { x: r, v: fr };
    } else if (fr < simplex[n - 1].v) {
      simplex[n] = { x: r, v: fr };
    } else {
      const c = along(0.5), fc = f(c);
      if (fc < worst.v) simplex[n] = { x: c, v: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j])), v: f(p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j]))) }));
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return simplex[0].x;
}
