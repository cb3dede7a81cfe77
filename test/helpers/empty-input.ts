// Shared by test/io-empty-input.test.ts and test/verify/io-empty-input.test.ts: empty files and atom
// counts beyond the end of the file, the one-line message each must give, and the commands that read
// structures.
import { existsSync, writeFileSync } from "node:fs";
import { expect } from "vitest";
import { runIn, scratch } from "./cli.js";

/** File name, contents and the message (exit 2) every reader and command gives for it. */
export const FILES: [string, string, RegExp][] = [
  ["empty.xyz", "", /empty\.xyz: no structure: the file is empty/],
  ["blank.xyz", "\n  \n\n", /blank\.xyz: no structure: the file is empty/],
  ["huge.xyz", '999999999999\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\n', /huge\.xyz:1, frame 0: declares 999999999999 atoms, but the file ended after 1 atom line/],
  ["big.xyz", '2000000000\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\n', /big\.xyz:1, frame 0: declares 2000000000 atoms, but the file ended after 1 atom line/],
  ["empty.data", "", /empty\.data:1: missing header line 'N atoms'/],
  ["zero.data", "LAMMPS data\n\n0 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 63.546 # Cu\n", /zero\.data: no atoms/],
  ["huge.data", "LAMMPS data\n\n999999999 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 63.546 # Cu\n\nAtoms # atomic\n\n1 1 0 0 0\n", /huge\.data:\d+: Atoms section has 1 lines, expected 999999999/],
];

/** A scratch folder (removed after the file's tests) holding FILES. */
export function emptyInputs(prefix: string): (name: string) => string {
  const { f } = scratch(prefix);
  for (const [name, text] of FILES) writeFileSync(f(name), text);
  return f;
}

/** The commands that read a structure: name and arguments for an input file (outputs go to `f`). */
export function readingCommands(f: (name: string) => string): [string, (input: string) => string[]][] {
  return [
    ["eval", (input) => ["eval", "--potential", "potentials/Cu_u3.eam", "--input", input, "--output", f("out.xyz")]],
    ["md", (input) => ["md", "--potential", "potentials/Cu_u3.eam", "--input", input, "--steps", "2"]],
    ["relax", (input) => ["relax", "--potential", "potentials/Cu_u3.eam", "--input", input]],
    ["property rdf", (input) => ["property", "rdf", "--input", input]],
    ["export-lammps", (input) => ["export-lammps", "--potential", "potentials/Cu_u3.eam", "--input", input, "--output-dir", f("export")]],
  ];
}

/** The command (in this process) refuses each of `files` with its one-line message and exit 2, and writes no output. */
export async function expectRefused(f: (name: string) => string, command: string, args: (input: string) => string[], files: typeof FILES): Promise<void> {
  for (const [name, , message] of files) {
    const r = await runIn(...args(f(name)));
    expect(r.status, `${command} ${name}`).toBe(2);
    expect(r.stderr.trim().split("\n"), `${command} ${name}: ${r.stderr}`).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  }
  expect(existsSync(f("out.xyz"))).toBe(false);
}
