// The shipped model (models/ect-fitted.json) as text, tables and calculator, and the rock-salt check of the fitted model's MD
// runs (test/verify/fit-model-md*.test.ts).
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { EctCalculator } from "../../src/ect/calculator.js";
import { EctEngine } from "../../src/ect/engine.js";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../../src/ect/transfer/bond-transfer.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { tablesOf } from "./ect-tables.js";

export const modelText = readFileSync(new URL("../../models/ect-fitted.json", import.meta.url), "utf8");

/** The shipped model's tables (built once per test worker: test/helpers/ect-tables.ts). */
export const fittedTables = () => tablesOf(JSON.parse(modelText), "ect-fitted.json");

/** A calculator of the shipped model. */
export const fittedCalculator = () => EctCalculator.create(fittedTables());

/**
 * A calculator of the shipped model with the default extended-Lagrangian bond solves, and a
 * rock-salt crystal (`repeat` cells per edge) with Maxwell-Boltzmann velocities of 300 K from `seed`.
 */
export async function xlCrystal(cation: string, anion: string, a: number, repeat: number, seed: number) {
  const calc = await fittedCalculator();
  calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
  const atoms = rocksalt(cation, anion, a, repeat);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, seed);
  return { calc, atoms };
}

/** 64-atom rock-salt NaCl of the shipped model at 300 K (seed 11), solved, with `xl` (null: exact). */
export async function fittedNaCl(xl: BondXlOptions | null) {
  const atoms = rocksalt("Na", "Cl", 5.64, 2);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
  const engine = await EctEngine.create(fittedTables());
  engine.bondSolver.xl = xl ? { ...xl } : null;
  engine.setAtoms(atoms);
  engine.compute();
  return { engine, atoms };
}

/** Every cation has six anions and no cation within `cut` (A), minimum image in a cubic cell. */
export function expectRockSalt(atoms: { positions: Float64Array; cell: Float64Array; symbols: string[]; length: number }, cation: string, cut: number): void {
  const p = atoms.positions, L = atoms.cell[0];
  const d = (i: number, j: number) => {
    let s = 0;
    for (let c = 0; c < 3; c++) { let x = p[3 * j + c] - p[3 * i + c]; x -= L * Math.round(x / L); s += x * x; }
    return Math.sqrt(s);
  };
  for (let i = 0; i < atoms.length; i++) {
    if (atoms.symbols[i] !== cation) continue;
    let anions = 0, cations = 0;
    for (let j = 0; j < atoms.length; j++) if (j !== i && d(i, j) < cut) atoms.symbols[j] === cation ? cations++ : anions++;
    expect([anions, cations], `neighbours of atom ${i} within ${cut} A`).toEqual([6, 0]);
  }
}
