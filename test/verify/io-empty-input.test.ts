// Every command that reads structures against every empty or truncated input file of
// test/helpers/empty-input.ts: one line naming the file, exit 2, no output (npm run verify; moved here
// from test/io-empty-input.test.ts, 35 command runs, to keep npm test fast: it runs each command
// against two of the files).
import { describe, it } from "vitest";
import { emptyInputs, expectRefused, FILES, readingCommands } from "../helpers/empty-input.js";

// (the commands run in this process, from the sources: test/helpers/cli.ts)

const f = emptyInputs("empty-input-all-");

describe("the commands, every file", () => {
  for (const [command, args] of readingCommands(f)) {
    it(`${command}: one line, exit 2, no output`, () => expectRefused(f, command, args, FILES), 60_000);
  }
});
