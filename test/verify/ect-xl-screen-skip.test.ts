// Blocked bonds left unchecked between neighbor-list builds give bit for bit the run that checks
// every bond at every step, over 100 steps (npm run verify; test/ect-xl-screen-skip.test.ts runs 40;
// the run: test/helpers/ect-screen-skip.ts).
import { describe, it } from "vitest";
import { expectScreenSkipBitwise } from "../helpers/ect-screen-skip.js";

describe("screening: blocked bonds within their radius are not checked again", () => {
  it("gives bit for bit the run that checks every bond at every step (64-atom NaCl of the shipped model, 600 K, 100 steps)", () => expectScreenSkipBitwise(100), 600_000);
});
