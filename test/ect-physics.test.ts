// ECT-EAM physics (docs: ../docs/ect-eam.md, section 6 of the model specification): integer
// dissociation, symmetric molecules neutral, PPLB linearity, forces = -dOmega/dR, invariances,
// size consistency, grand-potential conservation in NVE.
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EctEngine } from "../src/ect/engine.js";
import type { EctTables } from "../src/ect/tables.js";
import { worstExcursion } from "./helpers/ect-nve.js";

const model = readEctModelFile("models/ect-starter.json");
const tables = buildEctTables(model);

function dimer(a: string, b: string, r: number): Atoms {
  return new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0, 0, r], pbc: [false, false, false] });
}

async function engineFor(t: EctTables = tables): Promise<EctEngine> {
  return EctEngine.create(t, { variant: "simd" });
}

/**
 * One engine for the tests that load their structure with setAtoms and keep the default solver
 * settings: setAtoms resets the list, the weights and the total charge (what a fresh engine starts
 * from, bit for bit: test/ect-kernels.test.ts), and an engine costs more to lay out than these
 * few-atom solves. Tests that change solver settings or run MD make their own.
 */
let sharedEngine: Promise<EctEngine> | null = null;
const loaded = () => (sharedEngine ??= engineFor());

function omegaAt(e: EctEngine, atoms: Atoms): number {
  e.setPositions(atoms.positions);
  e.compute();
  return e.grandPotential();
}

describe("integer dissociation and neutrality", () => {
  for (const [a, b] of [["Li", "H"], ["Na", "Cl"], ["Li", "F"], ["H", "F"], ["H", "H"]]) {
    it(`${a}${b} separates into neutral atoms at 20 A (|q| < 1e-6 e)`, async () => {
      const e = await loaded();
      e.setAtoms(dimer(a, b, 20));
      e.compute();
      const q = e.charges();
      expect(Math.abs(q[0])).toBeLessThan(1e-6);
      expect(Math.abs(q[1])).toBeLessThan(1e-6);
      expect(Math.abs(q[0] + q[1])).toBeLessThan(1e-10);
    });
  }

  it("ionic molecules carry charge near equilibrium, with the electronegative atom negative", async () => {
    // The starter model's alkali halides are ionic near R_e (its LiH is not: that is for the fit).
    for (const [a, b, r] of [["Na", "Cl", 2.4], ["Li", "F", 1.6]] as const) {
      const e = await loaded();
      e.setAtoms(dimer(a, b, r));
      e.compute();
      const q = e.charges();
      expect(q[0]).toBeGreaterThan(0.1);
      expect(q[0] + q[1]).toBeCloseTo(0, 10);
    }
  });

  it("symmetric molecules (H2, Cl2) stay neutral at every separation", async () => {
    for (const el of ["H", "Cl"]) {
      const e = await loaded();
      e.setAtoms(dimer(el, el, 0.6));
      for (let r = 0.6; r <= 8; r += 0.35) {
        e.setPositions([0, 0, 0, 0, 0, r]);
        e.compute();
        const q = e.charges();
        expect(Math.abs(q[0])).toBeLessThan(1e-9);
        expect(Math.abs(q[1])).toBeLessThan(1e-9);
      }
    }
  });
});

describe("PPLB: an isolated atom's E(N) is piecewise linear with slopes -IP and -EA", () => {
  for (const el of ["H", "Li", "Cl"]) {
    it(el, async () => {
      const states = tables.states[tables.elements.indexOf(el)];
      const ip = states.find((s) => s.charge === 1)!.energy;
      const ea = -states.find((s) => s.charge === -1)!.energy;
      const e = await loaded();
      const atom = new Atoms({ symbols: [el], positions: [0, 0, 0] });
      const energyAt = (q: number) => {
        e.setAtoms(atom, "atom", { totalCharge: q });
        e.compute();
        return e.energy();
      };
      // Between cation and neutral: E(N) = (1 - dN) IP with dN = N - N_cation; slope dE/dN = -IP.
      const s1 = (energyAt(0.25) - energyAt(0.75)) / 0.5;
      const s2 = (energyAt(-0.75) - energyAt(-0.25)) / 0.5;
      expect(s1).toBeCloseTo(-ip, 3);
      expect(s2).toBeCloseTo(-ea, 3);
      // Linear, not quadratic: the midpoint lies on the chord.
      expect(energyAt(0.5)).toBeCloseTo(0.5 * (energyAt(0.25) + energyAt(0.75)), 3);
    });
  }
});

describe("forces and stress are derivatives of the grand potential", () => {
  it("cluster forces equal central finite differences of Omega (relative 1e-6)", async () => {
    const atoms = new Atoms({
      symbols: ["Na", "Cl", "Na", "Cl", "Li", "F"],
      positions: [0, 0, 0, 2.5, 0.2, 0.1, 2.4, 2.6, -0.2, -0.1, 2.3, 0.3, 1.2, 1.1, 2.4, 3.6, 1.3, 2.2],
      pbc: [false, false, false],
    });
    const e = await engineFor();
    e.solver.tolerance = 1e-13;
    e.setAtoms(atoms);
    e.compute();
    const f = e.forces();
    const h = 1e-5;
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < atoms.positions.length; k++) {
      const p = Float64Array.from(atoms.positions);
      p[k] += h;
      const plus = omegaAt(e, new Atoms({ ...atoms, positions: p }));
      p[k] -= 2 * h;
      const minus = omegaAt(e, new Atoms({ ...atoms, positions: p }));
      const fd = -(plus - minus) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - f[k]));
      scale = Math.max(scale, Math.abs(f[k]));
    }
    expect(worst / scale).toBeLessThan(1e-6);
  });
});

describe("invariances and size consistency", () => {
  it("translation and rotation leave Omega unchanged; permutation permutes charges", async () => {
    const base = [0, 0, 0, 2.45, 0, 0, 0.3, 2.2, 0.4];
    const e = await loaded();
    const atoms = new Atoms({ symbols: ["Na", "Cl", "H"], positions: base });
    e.setAtoms(atoms);
    e.compute();
    const omega = e.grandPotential();
    const q = e.charges();
    const shifted = base.map((v, k) => v + [3.3, -1.7, 12.1][k % 3]);
    e.setPositions(shifted);
    e.compute();
    expect(e.grandPotential()).toBeCloseTo(omega, 9);
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const rotated = base.slice();
    for (let i = 0; i < 3; i++) {
      const x = base[3 * i], y = base[3 * i + 1];
      rotated[3 * i] = c * x - s * y;
      rotated[3 * i + 1] = s * x + c * y;
    }
    e.setPositions(rotated);
    e.compute();
    expect(e.grandPotential()).toBeCloseTo(omega, 9);
    const p = await loaded();
    p.setAtoms(new Atoms({ symbols: ["H", "Cl", "Na"], positions: [...base.slice(6, 9), ...base.slice(3, 6), ...base.slice(0, 3)] }));
    p.compute();
    const qp = p.charges();
    expect(qp[0]).toBeCloseTo(q[2], 8);
    expect(qp[2]).toBeCloseTo(q[0], 8);
    expect(p.grandPotential()).toBeCloseTo(omega, 9);
  });

  it("E of two molecules 100 A apart is the sum of their energies plus their point-charge interaction", async () => {
    const e = await loaded();
    const one = (a: Atoms) => {
      e.setAtoms(a);
      e.compute();
      return { energy: e.energy(), q: e.charges() };
    };
    const nacl = one(dimer("Na", "Cl", 2.4));
    const lih = one(dimer("Li", "H", 1.6));
    const pos = [0, 0, 0, 0, 0, 2.4, 100, 0, 0, 100, 0, 1.6];
    const both = one(new Atoms({ symbols: ["Na", "Cl", "Li", "H"], positions: pos }));
    // Polar molecules still feel each other at 100 A (dipole-dipole, ~5e-5 eV here): that term, from
    // the separate molecules' charges, is all that may differ.
    let coupling = 0;
    const q = [...nacl.q, ...lih.q];
    for (const i of [0, 1])
      for (const j of [2, 3]) {
        const r = Math.hypot(pos[3 * i] - pos[3 * j], pos[3 * i + 1] - pos[3 * j + 1], pos[3 * i + 2] - pos[3 * j + 2]);
        coupling += (tables.coulombConstant * q[i] * q[j]) / r;
      }
    expect(Math.abs(both.energy - (nacl.energy + lih.energy + coupling))).toBeLessThan(1e-9);
    for (let i = 0; i < 4; i++) expect(both.q[i]).toBeCloseTo(q[i], 8);
  });
});

describe("dynamics", () => {
  it("NVE conserves Omega + kinetic energy, with the velocity-Verlet dt^2 error law", async () => {
    // A vibrating ionic NaCl next to an H2 molecule, weights re-solved every step. A symplectic
    // integrator with consistent forces has a bounded energy error that scales as dt^2; forces that
    // were not -dOmega/dR would add a drift that does not shrink that way.
    const worstFor = async (dt: number) => {
      const e = await engineFor();
      const atoms = new Atoms({
        symbols: ["Na", "Cl", "H", "H"],
        positions: [0, 0, 0, 0.1, 0.05, 2.45, 4.5, 0, 1.0, 4.6, 0.1, 1.74],
        pbc: [false, false, false],
      });
      const worst = worstExcursion(e, atoms, 250, dt);
      expect(Math.abs(e.charges()[0])).toBeGreaterThan(0.5);
      return worst / atoms.length;
    };
    const coarse = await worstFor(0.25);
    const fine = await worstFor(0.125);
    expect(fine).toBeLessThan(5e-4);
    expect(coarse / fine).toBeGreaterThan(3);
    expect(coarse / fine).toBeLessThan(5.5);
  });
});
