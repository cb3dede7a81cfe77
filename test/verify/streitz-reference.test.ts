// The TypeScript Streitz-Mintmire reference layer (src/streitz, O(N^2)) on the 2160-atom LAMMPS
// fixture (npm run verify; test/streitz.test.ts runs the same checks on the small cells): coul/streitz
// + eam/alloy at the fixture charges, and fix qeq/slater's charges from the dense solve.
import { join } from "node:path";
import { describe, it } from "vitest";
import { EamCalculator } from "../../src/eam/calculator.js";
import { readEamPotentialFile } from "../../src/potentials/eam-file.js";
import { readStreitzFile } from "../../src/streitz/params-file.js";
import { LARGE_FIXTURES, POT, expectCoulombFixture, expectQeqFixture } from "../helpers/streitz-fixtures.js";

describe("the 2160-atom LAMMPS fixture against the TypeScript reference", () => {
  const params = readStreitzFile(join(POT, "AlO.streitz"));
  for (const file of LARGE_FIXTURES) {
    it(`${file}: coul/streitz + eam/alloy energies to 1e-9 eV/atom, forces to 1e-7 eV/A, virial to 1e-10 eV/atom`, async () => {
      expectCoulombFixture(file, params, await EamCalculator.create(readEamPotentialFile(join(POT, "AlO.eam.alloy"))));
    });
    it(`${file}: fix qeq/slater charges to 1e-11 e (dense solve)`, () => expectQeqFixture(file, params));
  }
});
