// The ECT-EAM wasm passes (assembly/ect.ts) compute the same numbers whichever way they walk the
// list: SIMD and scalar builds, distance-tier sort through the scratch or in place, short or long
// neighbor skins (different lists, different orders). Systems are chosen so that every code path
// runs: several active states per atom (high electronic temperature), resonance couplings, and a
// periodic cell with the tabulated long range.
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables, type EctTables } from "../src/ect/tables.js";
import { EctEngine } from "../src/ect/engine.js";
import { rocksalt } from "../src/structures/lattice.js";
import { EamEngine } from "../src/eam/engine.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { freezeEct, writeFrozenSetfl } from "../src/export/ect-frozen.js";
import type { EctModel } from "../src/ect/model.js";
import { maxAbsDiff } from "./helpers/compare.js";

const starter = readEctModelFile("models/ect-starter.json");
const fitted = readEctModelFile("models/ect-ensemble-dimers.json");
const dsf = { longRange: "dsf" as const, cutoff: 9, dsfAlpha: 0.25, ewaldAccuracy: 1e-8 };

/** Rattled rocksalt of two elements (deterministic). */
function rattled(a: string, b: string, lattice: number, repeat: number, amount: number, seed = 3): Atoms {
  const atoms = rocksalt(a, b, lattice, repeat);
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * amount;
  for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += rnd();
  return atoms;
}

interface Result {
  energy: number;
  omega: number;
  /** Omega at the reference weights (no solve): compares the kernels at identical weights. */
  omegaAtReference: number;
  forces: Float64Array;
  virial: Float64Array;
  energies: Float64Array;
  charges: Float64Array;
  weights: Float64Array;
  active: number;
}

async function evaluate(
  tables: EctTables, atoms: Atoms,
  opts: { variant?: "simd" | "scalar"; skin?: number; scratchLimit?: number; reference?: Float64Array } = {},
): Promise<Result> {
  const e = await EctEngine.create(tables, { variant: opts.variant, skin: opts.skin, tierScratchLimit: opts.scratchLimit });
  e.solver.tolerance = 1e-11;
  e.setAtoms(atoms);
  e.compute();
  const weights = e.weights();
  const omegaAtReference = e.grandPotentialAt(opts.reference ?? weights);
  let active = 0;
  for (let i = 0; i < atoms.length; i++) {
    let k = 0;
    for (let m = 0; m < 4; m++) if (weights[4 * i + m] >= 1e-17) k++;
    active = Math.max(active, k);
  }
  return {
    energy: e.energy(),
    omega: e.grandPotential(),
    omegaAtReference,
    forces: Float64Array.from(e.forces()),
    virial: Float64Array.from(e.virial()),
    energies: Float64Array.from(e.energies()),
    charges: Float64Array.from(e.charges()),
    weights,
    active,
  };
}

/**
 * At identical weights the kernels must agree to rounding (1e-13 relative: sums in another order).
 * The solved results also carry the solver's own spread (weights converged to 1e-11 along different
 * paths): Omega is stationary in the weights (second order), E, forces and charges first order.
 */
function expectSame(a: Result, b: Result): void {
  const scale = Math.abs(a.energy);
  expect(Math.abs(a.omegaAtReference - b.omegaAtReference) / scale).toBeLessThan(1e-13);
  expect(Math.abs(a.omega - b.omega) / scale).toBeLessThan(1e-12);
  expect(Math.abs(a.energy - b.energy) / scale).toBeLessThan(1e-10);
  expect(maxAbsDiff(a.forces, b.forces)).toBeLessThan(1e-8);
  expect(maxAbsDiff(a.virial, b.virial) / scale).toBeLessThan(1e-10);
  expect(maxAbsDiff(a.energies, b.energies)).toBeLessThan(1e-8);
  expect(maxAbsDiff(a.charges, b.charges)).toBeLessThan(1e-9);
  expect(maxAbsDiff(a.weights, b.weights)).toBeLessThan(1e-9);
}

const cases: { name: string; tables: () => EctTables; atoms: () => Atoms; minActive: number }[] = [
  {
    // kT = 0.5 eV: every state of every atom carries weight, so the Coulomb-remainder rows and
    // columns of all states run.
    name: "hot NaCl (every state active, DSF)",
    tables: () => buildEctTables({ ...starter, electronicTemperature: 0.5, electrostatics: dsf } as EctModel),
    atoms: () => rattled("Na", "Cl", 5.64, 1, 0.15),
    minActive: 3,
  },
  {
    // A fourth state (an excited neutral Na*, 2.1 eV, more diffuse): full 4-slot rows and columns.
    name: "hot NaCl with a four-state Na (DSF)",
    tables: () => {
      const m = structuredClone(starter);
      const na = m.elements.find((el) => el.symbol === "Na")!;
      const na0 = na.states.find((st) => st.charge === 0)!;
      na.states.push({ ...structuredClone(na0), name: "Na*", energy: 2.1, density: na0.density.map((d) => ({ ...d, exponent: 0.7 * d.exponent })) });
      return buildEctTables({ ...m, electronicTemperature: 0.5, electrostatics: dsf });
    },
    atoms: () => rattled("Na", "Cl", 5.64, 1, 0.15, 5),
    minActive: 4,
  },
  {
    // The fitted model has resonance couplings (LiF): fractional charges, the h lane of the inner blocks.
    name: "LiF with resonance (fitted model, DSF)",
    tables: () => buildEctTables({ ...fitted, electrostatics: dsf } as EctModel),
    atoms: () => rattled("Li", "F", 4.03, 1, 0.1),
    minActive: 2,
  },
];

describe("ECT-EAM passes do not depend on how they walk the list", () => {
  for (const c of cases) {
    describe(c.name, () => {
      const tables = c.tables();
      const atoms = c.atoms();
      // The default walk, evaluated once for the tests that compare with it (each test still runs alone).
      let referenceRun: Promise<Result> | null = null;
      const reference = () => (referenceRun ??= evaluate(tables, atoms));
      const against = async (opts: { variant?: "simd" | "scalar"; skin?: number; scratchLimit?: number }) => {
        const ref = await reference();
        expectSame(ref, await evaluate(tables, atoms, { ...opts, reference: ref.weights }));
      };

      it("the system exercises several active states per atom", async () => {
        expect((await reference()).active).toBeGreaterThanOrEqual(c.minActive);
      });

      it("SIMD and scalar kernels agree", () => against({ variant: "scalar" }));

      it("a different neighbor skin (other list, other order) gives the same result", () => against({ skin: 0.3 }));

      it("the in-place tier partition (long list segments) gives the same result", () => against({ scratchLimit: 4 }));

      it("at the converged weights, E equals the frozen-charge eam/alloy run by the EAM engine (independent tables and kernels)", async () => {
        // One conventional cell (the systems here): few enough atoms for one atom type each. The
        // converged state is the reference run's (the default walk, solved to 1e-11).
        const cell = c.atoms();
        expect(cell.length).toBe(8);
        const e = await reference();
        const frozen = freezeEct(tables, cell, e.weights, { longRange: "dsf", maxTypes: 8 });
        const eam = await EamEngine.create(parseEamPotential(writeFrozenSetfl(frozen), { fileName: "frozen.eam.alloy" }));
        const relabeled = cell.copy();
        relabeled.symbols = Array.from(frozen.typeOfAtom, (t) => frozen.types[t].label);
        eam.setAtoms(relabeled);
        eam.compute();
        expect(Math.abs(eam.energy() - e.energy) / cell.length).toBeLessThan(1e-10);
        // setfl stores r*phi: its cubic differs from the blocks' cubics of phi, u and h by the
        // interpolation error, largest in the slopes of the steep short-range resonance (7e-8 eV/A here).
        expect(maxAbsDiff(eam.forces(), e.forces)).toBeLessThan(3e-7);
      });
    });
  }
});

describe("pair blocks follow the elements of the loaded structure", () => {
  const tables = buildEctTables({ ...starter, electrostatics: dsf } as EctModel);
  const nacl = rattled("Na", "Cl", 5.64, 1, 0.1);
  const lif = rattled("Li", "F", 4.03, 1, 0.1, 7);
  const symbols = nacl.symbols.slice();
  symbols[0] = "Li"; // a Li impurity on a Na site: three elements
  const doped = new Atoms({ symbols, positions: nacl.positions, cell: nacl.cell, pbc: nacl.pbc });

  it("one engine through structures with different element sets equals fresh engines, bit for bit", async () => {
    const shared = await EctEngine.create(tables);
    for (const atoms of [nacl, lif, doped, nacl]) {
      shared.setAtoms(atoms);
      shared.compute();
      const fresh = await EctEngine.create(tables);
      fresh.setAtoms(atoms);
      fresh.compute();
      expect(Object.is(shared.grandPotential(), fresh.grandPotential())).toBe(true);
      expect(maxAbsDiff(shared.forces(), fresh.forces())).toBe(0);
    }
  });

  it("a structure with a species outside the model is refused; the loaded one still evaluates", async () => {
    const e = await EctEngine.create(tables);
    e.setAtoms(nacl);
    e.compute();
    const omega = e.grandPotential();
    const bad = new Atoms({ symbols: nacl.symbols.map((s, i) => (i === 3 ? "Cu" : s)), positions: nacl.positions, cell: nacl.cell, pbc: nacl.pbc });
    expect(() => e.setAtoms(bad)).toThrow(/species 'Cu'/);
    e.compute();
    expect(Object.is(e.grandPotential(), omega)).toBe(true);
  });
});
