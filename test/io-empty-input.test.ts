// Issue 14, item 4: empty files and atom counts beyond the end of the file end in one line naming
// the file (exit 2) in every command that reads structures, never a 0-byte output, a TypeError or a
// RangeError from allocating the announced size.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStructureFile } from "../src/io/structure-file.js";
import { InputError } from "../src/errors.js";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "empty-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const run = (...args: string[]) => spawnSync("node", ["dist/cli.js", ...args], { cwd: ROOT, encoding: "utf8" });

const FILES: [string, string, RegExp][] = [
  ["empty.xyz", "", /empty\.xyz: no structure: the file is empty/],
  ["blank.xyz", "\n  \n\n", /blank\.xyz: no structure: the file is empty/],
  ["huge.xyz", '999999999999\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\n', /huge\.xyz:1, frame 0: declares 999999999999 atoms, but the file ended after 1 atom line/],
  ["big.xyz", '2000000000\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\n', /big\.xyz:1, frame 0: declares 2000000000 atoms, but the file ended after 1 atom line/],
  ["empty.data", "", /empty\.data:1: missing header line 'N atoms'/],
  ["zero.data", "LAMMPS data\n\n0 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 63.546 # Cu\n", /zero\.data: no atoms/],
  ["huge.data", "LAMMPS data\n\n999999999 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 63.546 # Cu\n\nAtoms # atomic\n\n1 1 0 0 0\n", /huge\.data:\d+: Atoms section has 1 lines, expected 999999999/],
];
for (const [name, text] of FILES) writeFileSync(f(name), text);

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
  const commands: [string, (input: string) => string[]][] = [
    ["eval", (input) => ["eval", "--potential", "potentials/Cu_u3.eam", "--input", input, "--output", f("out.xyz")]],
    ["md", (input) => ["md", "--potential", "potentials/Cu_u3.eam", "--input", input, "--steps", "2"]],
    ["relax", (input) => ["relax", "--potential", "potentials/Cu_u3.eam", "--input", input]],
    ["property rdf", (input) => ["property", "rdf", "--input", input]],
    ["export-lammps", (input) => ["export-lammps", "--potential", "potentials/Cu_u3.eam", "--input", input, "--output-dir", f("export")]],
  ];
  for (const [command, args] of commands) {
    it(`${command}: one line, exit 2, no output`, () => {
      for (const [name, , message] of FILES) {
        const r = run(...args(f(name)));
        expect(r.status, `${command} ${name}`).toBe(2);
        expect(r.stderr.trim().split("\n"), `${command} ${name}: ${r.stderr}`).toHaveLength(1);
        expect(r.stderr).toMatch(message);
      }
      expect(existsSync(f("out.xyz"))).toBe(false);
    }, 60_000);
  }
});
