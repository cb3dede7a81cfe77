// Issue 14, item 4: empty files and atom counts beyond the end of the file end in one line naming
// the file (exit 2) in every command that reads structures, never a 0-byte output, a TypeError or a
// RangeError from allocating the announced size. Every command against every file:
// test/verify/io-empty-input.test.ts.
import { describe, expect, it } from "vitest";
import { readStructureFile } from "../src/io/structure-file.js";
import { InputError } from "../src/errors.js";
import { emptyInputs, expectRefused, FILES, readingCommands } from "./helpers/empty-input.js";

const f = emptyInputs("empty-input-");

describe("readStructureFile", () => {
  for (const [name, , message] of FILES) {
    it(name, () => {
      let err: unknown = null;
      try {
        readStructureFile(f(name));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describe("the commands", () => {
  // Every command with an empty extended XYZ file and a LAMMPS data file announcing more atoms than it
  // holds (the readers' messages for the other files are checked above).
  const files = FILES.filter(([name]) => name === "empty.xyz" || name === "huge.data");
  for (const [command, args] of readingCommands(f)) {
    it(`${command}: one line, exit 2, no output`, () => expectRefused(f, command, args, files), 60_000);
  }
});
