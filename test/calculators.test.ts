// The calculator protocol (src/calculators): every model's calculator declares what it computes,
// answers getPotentialEnergy / getForces / getStress of unchanged atoms from one evaluation, notices
// every change of the atoms, hands out copies, releases its wasm instance on dispose, and names its
// engine for the MD drivers (no guessing from method names).
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { Atoms } from "../src/atoms.js";
import type { CalculatorResults, ModelCalculator } from "../src/calculators/protocol.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { QeqCalculator, qeqCalculate, qeqFromEctModel } from "../src/ect/qeq.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { InputError } from "../src/errors.js";
import { MolecularDynamics } from "../src/dynamics/driver.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";

const CU = readEamPotentialFile("potentials/Cu_u3.eam");
const STARTER = readEctModelFile("models/ect-starter.json");

/** Rattled copy (deterministic), so that forces are not zero by symmetry. */
function rattled(atoms: Atoms, amount: number, seed: number): Atoms {
  const a = atoms.copy();
  let s = seed;
  for (let k = 0; k < a.positions.length; k++) {
    s = (s * 16807) % 2147483647;
    a.positions[k] += (s / 2147483647 - 0.5) * 2 * amount;
  }
  return a;
}

const nacl = () => new Atoms({ symbols: ["Na", "Cl", "Na", "Cl"], positions: [0, 0, 0, 2.6, 0, 0, 2.6, 2.6, 0.1, 0, 2.6, 0], pbc: [false, false, false] });
const alo = () => rattled(new Atoms({
  symbols: ["Al", "O", "Al", "O", "O"],
  positions: [0, 0, 0, 1.9, 0, 0, 3.8, 0.2, 0, 5.7, 0, 0.1, 1.9, 1.9, 0],
  pbc: [false, false, false],
}), 0.05, 3);

interface Case {
  name: string;
  make: () => Promise<ModelCalculator<CalculatorResults>>;
  atoms: () => Atoms;
  /** The engine kind its `wasm` names (null: no wasm engine). */
  wasm: "eam" | "ect" | "streitz" | null;
}

const CASES: Case[] = [
  { name: "EAM", make: () => EamCalculator.create(CU), atoms: () => rattled(bulk("Cu", "fcc", 3.615, 2), 0.05, 1), wasm: "eam" },
  { name: "ECT-EAM", make: () => EctCalculator.create(buildEctTables(STARTER)), atoms: nacl, wasm: "ect" },
  {
    name: "Streitz-Mintmire",
    make: () => StreitzCalculator.create({ eam: readEamPotentialFile("potentials/AlO.eam.alloy"), streitz: readStreitzFile("potentials/AlO.streitz"), summation: "wolf" }),
    atoms: alo,
    wasm: "streitz",
  },
  { name: "QEq", make: () => QeqCalculator.create(qeqFromEctModel(STARTER)), atoms: nacl, wasm: null },
];

/** Counts the evaluations a wasm calculator runs (calls of its engine's compute). */
function evaluations(calc: ModelCalculator<CalculatorResults>): () => number {
  const spy = vi.spyOn(calc.wasm!.engine, "compute");
  return () => spy.mock.calls.length;
}

describe.each(CASES)("$name calculator", (c) => {
  let calc: ModelCalculator<CalculatorResults>;
  beforeAll(async () => {
    calc = await c.make();
  });

  it("declares what calculate returns (implementedProperties) and names its engine", () => {
    const r = calc.calculate(c.atoms());
    expect(Object.keys(r).sort()).toEqual([...calc.implementedProperties].sort());
    if (c.wasm === null) expect(calc.wasm).toBeUndefined();
    else expect(calc.wasm!.kind).toBe(c.wasm);
  });

  it("getPotentialEnergy, getForces, getStress / getProperty of unchanged atoms: the values of calculate, copies", () => {
    const atoms = c.atoms();
    const fresh = calc.calculate(atoms);
    expect(calc.getPotentialEnergy(atoms)).toBe(fresh.energy);
    const f = calc.getForces(atoms);
    expect(Array.from(f)).toEqual(Array.from(fresh.forces));
    f.fill(7);
    expect(Array.from(calc.getForces(atoms))).toEqual(Array.from(fresh.forces));
    expect(Array.from(calc.getProperty("virial", atoms) as Float64Array)).toEqual(Array.from(fresh.virial));
    if (fresh.stress === null) expect(() => calc.getStress(atoms)).toThrow(InputError);
    else expect(Array.from(calc.getStress(atoms))).toEqual(Array.from(fresh.stress));
    expect(() => calc.getProperty("magmoms", atoms)).toThrow(/does not compute .magmoms./);
  });
});

describe("results are cached per structure (ASE's check_state)", () => {
  for (const c of CASES.filter((k) => k.wasm !== null)) {
    it(`${c.name}: one evaluation for energy, forces and stress of unchanged atoms; any change evaluates again`, async () => {
      const calc = await c.make();
      const count = evaluations(calc);
      const atoms = c.atoms();
      calc.getPotentialEnergy(atoms);
      calc.getForces(atoms);
      calc.getProperty("virial", atoms);
      expect(count()).toBe(1);
      // a copy with the same numbers is the same structure
      calc.getForces(atoms.copy());
      expect(count()).toBe(1);
      // positions, species, cell, periodicity: each change is a new structure
      const moved = atoms.copy();
      moved.positions[4] += 1e-9;
      const e1 = calc.getPotentialEnergy(moved);
      expect(count()).toBe(2);
      expect(e1).not.toBe(calc.calculate(atoms).energy);
      expect(count()).toBe(3); // calculate always evaluates
      calc.getPotentialEnergy(atoms);
      expect(count()).toBe(4); // and forgets the cache
      const boxed = atoms.copy();
      boxed.cell.set([30, 0, 0, 0, 30, 0, 0, 0, 30]);
      calc.getPotentialEnergy(boxed);
      expect(count()).toBe(5);
      // species: swap the first two atoms' (two elements in every case but EAM's Cu)
      const swapped = atoms.copy();
      swapped.symbols[0] = atoms.symbols[1];
      swapped.symbols[1] = atoms.symbols[0];
      if (swapped.symbols[0] !== atoms.symbols[0]) {
        calc.getPotentialEnergy(swapped);
        expect(count()).toBe(6);
      }
      if (c.wasm === "eam") {
        const slab = atoms.copy();
        slab.pbc = [true, true, false];
        calc.getPotentialEnergy(slab);
        expect(count()).toBe(6);
      }
      calc.reset();
      calc.getPotentialEnergy(atoms);
      expect(calc.getPotentialEnergy(atoms)).toBe(calc.getPotentialEnergy(atoms.copy()));
      calc.dispose();
    });
  }

  it("QEq: the cached answer is the solve's, and a moved atom is solved again", async () => {
    const params = qeqFromEctModel(STARTER);
    const calc = await QeqCalculator.create(params);
    const atoms = nacl();
    const direct = qeqCalculate(atoms, params);
    expect(calc.getPotentialEnergy(atoms)).toBe(direct.energy);
    expect(Array.from(calc.getProperty("charges", atoms))).toEqual(Array.from(direct.charges));
    atoms.positions[3] += 0.1;
    expect(calc.getPotentialEnergy(atoms)).toBe(qeqCalculate(atoms, params).energy);
    // virial of a cluster: sum_i r_i f_i, and the forces are -dE/dR (Hellmann-Feynman)
    const r = calc.calculate(atoms);
    let trace = 0;
    for (let i = 0; i < atoms.length; i++) for (let a = 0; a < 3; a++) trace += atoms.positions[3 * i + a] * r.forces[3 * i + a];
    expect(r.virial[0] + r.virial[4] + r.virial[8]).toBeCloseTo(trace, 12);
  });
});

describe("dispose releases the wasm instance", () => {
  // Node exposes the collector to this process on request (no --expose-gc on vitest's workers).
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const settle = () => new Promise((ok) => setImmediate(ok));

  it("the engine's memory is collected after dispose, not before, and the calculator refuses further use", async () => {
    const keep = await EamCalculator.create(CU);
    const gone = await EamCalculator.create(CU);
    const atoms = bulk("Cu", "fcc", 3.615, 4);
    keep.calculate(atoms);
    gone.calculate(atoms);
    const kept = new WeakRef(keep.engine.view("x").buffer);
    const freed = new WeakRef(gone.engine.view("x").buffer);
    gone.dispose();
    gone.dispose(); // twice is harmless
    await settle();
    gc();
    await settle();
    gc();
    expect(freed.deref()).toBeUndefined();
    expect(kept.deref()).toBeDefined();
    expect(() => gone.calculate(atoms)).toThrow(/disposed/);
    expect(() => gone.getForces(atoms)).toThrow(/disposed/);
    expect(() => gone.engine.compute()).toThrow(/disposed/);
    expect(keep.calculate(atoms).energy / atoms.length).toBeCloseTo(-3.54, 6);
    keep.dispose();
  });
});

describe("models without a wasm engine run on the per-step driver", () => {
  it("QEq NVE of a NaCl square: velocity Verlet's energy error falls as dt^2", async () => {
    // QEq has no short-range repulsion, so the square contracts; 20 fs is before anything collides.
    const params = qeqFromEctModel(STARTER, { zeta: "hardness" });
    const deviation = async (dt: number) => {
      const atoms = nacl();
      atoms.velocities = new Float64Array(3 * atoms.length);
      const md = new MolecularDynamics(await QeqCalculator.create(params), atoms, { dt });
      const e0 = md.thermo().total;
      let worst = 0;
      md.run(Math.round(20 / dt), { thermoEvery: 1, onThermo: (row) => (worst = Math.max(worst, Math.abs(row.total - e0))) });
      return worst;
    };
    const [coarse, fine] = [await deviation(0.2), await deviation(0.1)];
    expect(fine).toBeLessThan(1e-6);
    expect(coarse / fine).toBeGreaterThan(3.6);
    expect(coarse / fine).toBeLessThan(4.4);
  });

  it("rocksalt is refused by QEq (clusters only) with one line", async () => {
    const calc = await QeqCalculator.create(qeqFromEctModel(STARTER));
    expect(() => calc.calculate(rocksalt("Na", "Cl", 5.64, 1))).toThrow(/clusters only/);
  });
});
