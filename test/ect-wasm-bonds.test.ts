/**
 * The per-step bond refresh in wasm (assembly/ect-bonds.ts through src/ect/transfer/bond-kernel.ts,
 * the engine's default) and the frozen-product CG iterations of the extended-Lagrangian step
 * (assembly/ect-frozen-cg.ts) against their TypeScript references (`refreshBonds` in bond-list.ts and
 * the loop of `newtonStep` in xl-newton.ts, run when `bond.refreshKernel` is null): MD of the shipped model (screened couplings, confined induction, DSF)
 * with both, step by step. Measured: the largest differences of forces, energies, Omega and charges
 * over the trajectories below are 0 (the same bits), so the test asks for bitwise equality, of the
 * bond sets' couplings, screening factors, blockers and live lists too; and a restart file written
 * by the wasm path continues bit for bit. The side-by-side run is test/helpers/ect-wasm-bonds.ts; the
 * rattled LiF cell's frozen steps (partially screened bonds, about 15 s of CPU, most of it in the
 * first steps' solves) and the NaCl shadow run over 120 steps (more list builds) run in
 * test/verify/ect-wasm-bonds.test.ts (npm run verify).
 */
import { describe, expect, it } from "vitest";
import { EctCalculator } from "../src/ect/calculator.js";
import { BOND_XL_DEFAULTS } from "../src/ect/transfer/bond-transfer.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { rocksalt } from "../src/structures/lattice.js";
import { fittedTables } from "./helpers/fitted-md.js";
import { expectRestartBitwise } from "./helpers/ect-xl-cell.js";
import { expectNaClShadowSideBySide } from "./helpers/ect-wasm-bonds.js";

const tables = fittedTables();

describe("bond refresh and frozen-product CG in wasm against the TypeScript reference (shipped model)", () => {
  it("64-atom NaCl at 600 K, 40 shadow steps across a neighbor-list rebuild: the same bits at every step", () => expectNaClShadowSideBySide(40, 1), 120_000);

  it("a restart file of the wasm path continues the run bit for bit", async () => {
    const make = async () => {
      const calc = await EctCalculator.create(tables, { skin: 0.3 });
      calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS, method: "shadow" };
      expect(calc.engine.bond!.refreshKernel).not.toBeNull();
      return calc;
    };
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 9);
    const straight = await expectRestartBitwise(make, atoms, 50, 23);
    expect(straight.engine.neighborStats().builds).toBeGreaterThan(1);
  }, 120_000);
});
