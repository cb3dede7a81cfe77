// The wasm bond refresh and frozen-product CG against their TypeScript references on a rattled LiF
// cell (npm run verify; moved here from test/ect-wasm-bonds.test.ts to keep npm test fast: about 15 s
// of CPU, most of it in the first steps' solves, so a shorter run would save little): the rattled
// 64-atom LiF cell of the shipped model (partially screened bonds), 30 frozen steps of 0.5 fs, the
// same bits at every step (bitwise, as measured). And the 64-atom NaCl shadow run over 120 steps
// (more than two list builds; npm test runs its first 40 steps, across one rebuild).
import { describe, expect, it } from "vitest";
import { BOND_XL_DEFAULTS } from "../../src/ect/transfer/bond-transfer.js";
import { expectNaClShadowSideBySide, rattledLiF, sideBySide } from "../helpers/ect-wasm-bonds.js";

describe("bond refresh and frozen-product CG in wasm against the TypeScript reference, rattled LiF (shipped model)", () => {
  it("a rattled 64-atom LiF cell, 30 default (frozen) steps: the same bits (partially screened bonds)", async () => {
    const d = await sideBySide(rattledLiF(), { ...BOND_XL_DEFAULTS }, 30, 0.5);
    console.log(`wasm vs TypeScript bond refresh and CG, LiF 30 steps: max |dF| ${d.force} eV/A, |dE| ${d.energy} eV, |dq| ${d.charge} e`);
    expect(d.force).toBe(0);
    expect(d.energy).toBe(0);
    expect(d.charge).toBe(0);
  }, 600_000);
});

describe("bond refresh and frozen-product CG in wasm against the TypeScript reference, NaCl over 120 steps (shipped model)", () => {
  it("64-atom NaCl at 600 K, shadow steps across neighbor-list builds: the same bits at every step", () => expectNaClShadowSideBySide(120, 2), 600_000);
});
