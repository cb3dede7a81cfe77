import { existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { CalculationFailed, InputError, ModelError } from "../errors.js";
import { readEamPotentialFile } from "../potentials/eam-file.js";
import type { EamPotential, EamStyle } from "../potentials/types.js";
import { CliExit, stderr } from "./io.js";

const STYLES: EamStyle[] = ["eam", "eam/alloy", "eam/fs"];

/** Reads a potential file, with `--style` overriding what the file name tells. */
export function loadPotential(path: string, style?: string): EamPotential {
  if (style !== undefined && !STYLES.includes(style as EamStyle)) {
    throw new InputError(`--style must be one of ${STYLES.join(", ")}, got '${style}'`);
  }
  return readEamPotentialFile(path, style as EamStyle | undefined);
}

/** Plain decimal numbers: digits with an optional sign, point and exponent (no hex, binary, Infinity or blanks). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number option strictly (decimal notation only: `0x10`, `1_000`, `Infinity` and blanks
 * are refused), naming the flag when it is not one.
 */
export function numberOption(flag: string, value: string | undefined, opts: { integer?: boolean; min?: number; positive?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(v)) throw new InputError(`${flag} expects a number, got '${value}'`);
  if (opts.integer && !Number.isInteger(v)) throw new InputError(`${flag} expects an integer, got '${value}'`);
  if (opts.positive && !(v > 0)) throw new InputError(`${flag} must be > 0, got ${value}`);
  if (opts.min !== undefined && v < opts.min) throw new InputError(`${flag} must be >= ${opts.min}, got ${value}`);
  return v;
}

/** Runs a command body; expected errors print one line and end the command with status 2 (src/cli/io.ts). */
export async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof InputError || err instanceof ModelError || err instanceof CalculationFailed) {
      stderr().write(`ect-eam: ${err.message}\n`);
      throw new CliExit(2);
    }
    throw err;
  }
}

/**
 * The package's root folder: the parent of dist/ for the bundle (dist/cli.js), two folders up for
 * this source file (src/cli/, where the tests run the commands in process; src/cli/run.ts).
 */
const PACKAGE_ROOT = existsSync(fileURLToPath(new URL("../package.json", import.meta.url))) ? new URL("../", import.meta.url) : new URL("../../", import.meta.url);

/** Absolute path of a file of the package, `relative` to its root (e.g. "models/ect-starter.json"). */
export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, PACKAGE_ROOT));
}

/** A short name for messages. */
export function shortName(path: string): string {
  return basename(path);
}

/** `--species Cu,Ni` to a list (undefined when absent). */
export function speciesOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(",").map((s) => s.trim());
  if (list.some((s) => s === "")) throw new InputError(`--species expects comma-separated symbols, got '${value}'`);
  return list;
}
