// The public API's two tiers (src/core.ts, src/advanced.ts) and the one calculator factory: the
// stable names are a decision (this list changes only on purpose), the advanced tier holds the rest,
// the 0.1 names of the advanced tier still work at the top level, and createCalculator gives every
// model's calculator the same way, with the same numbers as the classes' own factories.
import { describe, expect, it } from "vitest";
import * as api from "../src/core.js";
import * as node from "../src/index.js";
import { Atoms } from "../src/atoms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { bulk } from "../src/structures/lattice.js";

const STABLE = [
  "Atoms", "CalculationFailed", "CellFilter", "EV_PER_A2_IN_J_PER_M2", "EV_PER_A3_IN_BAR", "EV_PER_A3_IN_GPA", "EamCalculator",
  "EctCalculator", "InputError", "ModelError", "MolecularDynamics", "QeqCalculator", "StreitzCalculator", "atomicNumber", "bulk",
  "cohesiveEnergy", "createCalculator", "createDomainMd", "createWorkerPool", "degreesOfFreedom", "elasticConstants",
  "equationOfState", "exportEamLammps", "exportEctLammps", "exportStreitzLammps", "fire", "forceEnergy", "formatExtxyz",
  "formatLammpsData", "formatLammpsDump", "formatRestart", "formatSetfl", "kineticEnergy", "latticeConstant", "layerSpacing",
  "lbfgs", "massOf", "maxwellBoltzmann", "parseEamPotential", "parseEctModel", "parseEctModelText", "parseExtxyz",
  "parseLammpsData", "parseLammpsDump", "parseRestart", "parseStreitz", "parseThermoCsv", "qeqFromEctModel",
  "radialDistribution", "relax", "removeAtoms", "rocksalt", "styleFromFileName", "supercell", "surfaceEnergy", "surfaceSlab",
  "symbolOf", "temperatureOf", "vacancyFormationEnergy", "writeEamFs", "writeSetfl",
];
const NODE_FILES = [
  "packageFile", "readEamPotentialFile", "readEctModelFile", "readExtxyzFile", "readLammpsDataFile", "readRestartFile",
  "readStreitzFile", "readStructureFile", "writeExtxyzFile", "writeRestartFile",
];
const NAMESPACES = ["advanced", "streitz", "xl"];

describe("two tiers", () => {
  const top = Object.keys(api);
  const advanced = api.advanced as Record<string, unknown>;
  const legacy = top.filter((k) => !STABLE.includes(k) && !NAMESPACES.includes(k));

  it("the stable tier is the list above; the rest of the top level is 0.1 names of the advanced tier", () => {
    for (const name of STABLE) expect(top, name).toContain(name);
    for (const name of legacy) expect(advanced[name], `${name} is in neither tier`).toBe((api as Record<string, unknown>)[name]);
    for (const name of STABLE) expect(Object.keys(advanced), `${name} is in both tiers`).not.toContain(name);
  });

  it("the LAMMPS internals live in the advanced tier (the streitz namespace is kept for 0.1 code)", () => {
    for (const name of ["MY_PIS", "forEachPair", "erfc", "streitzQeq", "StreitzEngine", "XlPropagator"]) {
      expect(Object.keys(advanced)).toContain(name);
      expect(top).not.toContain(name);
    }
    expect(api.streitz.MY_PIS).toBe(advanced.MY_PIS);
  });

  it("Node adds only the file helpers", () => {
    expect(Object.keys(node).filter((k) => !top.includes(k)).sort()).toEqual(NODE_FILES);
  });
});

describe("createCalculator: one factory shape for every model", () => {
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));
  const cluster = () => new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 2.4, 0.1, 0], pbc: [false, false, false] });

  it("EAM", async () => {
    const potential = readEamPotentialFile("potentials/Cu_u3.eam");
    const atoms = bulk("Cu", "fcc", 3.6, 2);
    const calc = await api.createCalculator({ kind: "eam", potential }, { variant: "scalar", skin: 0.5 });
    expect(calc).toBeInstanceOf(api.EamCalculator);
    expect(calc.engine.variant).toBe("scalar");
    expect(calc.engine.skin).toBe(0.5);
    const ref = (await api.EamCalculator.create(potential, { variant: "scalar", skin: 0.5 })).calculate(atoms);
    const r = calc.calculate(atoms);
    expect(r.energy).toBe(ref.energy);
    same(r.forces, ref.forces);
  });

  it("ECT-EAM (tables built from the model)", async () => {
    const model = readEctModelFile("models/ect-starter.json");
    const calc = await api.createCalculator({ kind: "ect-eam", model });
    expect(calc).toBeInstanceOf(api.EctCalculator);
    const ref = (await api.EctCalculator.create(buildEctTables(model))).calculate(cluster());
    const r = calc.calculate(cluster());
    expect(r.grandPotential).toBe(ref.grandPotential);
    same(r.charges, ref.charges);
  });

  it("Streitz-Mintmire (model settings in the spec, engine options beside it)", async () => {
    const eam = readEamPotentialFile("potentials/AlO.eam.alloy");
    const streitz = readStreitzFile("potentials/AlO.streitz");
    const calc = await api.createCalculator({ kind: "streitz", eam, streitz, summation: "wolf", qeqTolerance: 1e-8 }, { variant: "scalar" });
    expect(calc).toBeInstanceOf(api.StreitzCalculator);
    expect(calc.settings.qeqTolerance).toBe(1e-8);
    expect(calc.engine.variant).toBe("scalar");
    const atoms = new Atoms({ symbols: ["Al", "O", "O"], positions: [0, 0, 0, 1.8, 0, 0, -0.5, 1.7, 0], pbc: [false, false, false] });
    const ref = (await api.StreitzCalculator.create({ eam, streitz, summation: "wolf", qeqTolerance: 1e-8, engine: { variant: "scalar" } })).calculate(atoms);
    const r = calc.calculate(atoms);
    expect(r.energy).toBe(ref.energy);
    same(r.charges, ref.charges);
  });

  it("QEq", async () => {
    const parameters = api.qeqFromEctModel(readEctModelFile("models/ect-starter.json"));
    const calc = await api.createCalculator({ kind: "qeq", parameters, totalCharge: 1 });
    expect(calc).toBeInstanceOf(api.QeqCalculator);
    const r = calc.calculate(cluster());
    expect(r.energy).toBe(api.qeqCalculate(cluster(), parameters, 1).energy);
    expect(r.charges[0] + r.charges[1]).toBeCloseTo(1, 12);
  });

  it("an unknown kind is one InputError", async () => {
    await expect(api.createCalculator({ kind: "lj" } as never)).rejects.toThrow(/unknown calculator kind 'lj'/);
  });
});
