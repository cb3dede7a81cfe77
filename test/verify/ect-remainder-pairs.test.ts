// Forces against central differences at every coordinate where the Coulomb remainder of a pair
// (H-H, 13 A) reaches beyond the DSF cutoff (9 A): a rattled 8-atom LiH cell of the hand-set
// bond-transfer fixture (npm run verify; moved here from test/ect-remainder-pairs.test.ts, which
// checks one atom of each element and the stress, to keep npm test fast: 48 evaluations, about 0.25 s
// of CPU each with the 13 A lists). Band as there: 5e-5 eV/A.
import { describe, expect, it } from "vitest";
import { forceError } from "../helpers/ect-finite-diff.js";
import { calcFor, json, LONG, rattled } from "../helpers/ect-remainder.js";

describe("per-element-pair Coulomb-remainder cutoffs, every coordinate", () => {
  it("forces are exact where the remainder reaches beyond the DSF cutoff", async () => {
    const atoms = rattled("Li", "H", 4.0);
    const calc = await calcFor(json(LONG));
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
  }, 600_000);
});
