/**
 * Blocked bonds left unchecked between neighbor-list builds (bond-list.ts, `refreshBonds`, and
 * screening.ts, `blockedRadius`): a bond whose blocking screener provably still blocks while no atom
 * has moved more than its radius from the reference positions keeps S = 0 without the check. The
 * run, and the state it exports, must be bit for bit those that check every bond at every step (a
 * reference dropped before each step is taken again there, with every bond checked). 40 steps here,
 * across one list rebuild; 100: test/verify/ect-xl-screen-skip.test.ts (the run:
 * test/helpers/ect-screen-skip.ts).
 */
import { describe, it } from "vitest";
import { expectScreenSkipBitwise } from "./helpers/ect-screen-skip.js";

describe("screening: blocked bonds within their radius are not checked again", () => {
  it("gives bit for bit the run that checks every bond at every step (64-atom NaCl of the shipped model, 600 K, 40 steps)", () => expectScreenSkipBitwise(40));
});
