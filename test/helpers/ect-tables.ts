/**
 * ECT-EAM tables and calculators from a model's JSON, the tables built once per test worker.
 * Tables are read-only input (every engine copies them into its own memory), and building them
 * costs more than the solve of a small test system (0.05-0.4 s against a few ms); the unit files
 * run in workers that keep their modules between files (vitest.config.ts, isolate), so files that
 * use the same fixture share its tables too. Each caller still gets a fresh engine.
 */
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModel } from "../../src/ect/model.js";
import { buildEctTables, type EctTables } from "../../src/ect/tables.js";

/** The last few models' tables, by file name and JSON text (a bound on the memory a worker keeps). */
const built = new Map<string, EctTables>();
const KEEP = 16;

/** Tables of the model `json` (parsed as `fileName`), built on first use. */
export function tablesOf(json: unknown, fileName: string): EctTables {
  const key = `${fileName}\0${JSON.stringify(json)}`;
  let tables = built.get(key);
  if (tables) {
    built.delete(key); // most recently used last
  } else {
    tables = buildEctTables(parseEctModel(structuredClone(json), fileName));
    if (built.size >= KEEP) built.delete(built.keys().next().value as string);
  }
  built.set(key, tables);
  return tables;
}

/** A fresh calculator on the tables of `json`. */
export const calculatorOf = (json: unknown, fileName: string): Promise<EctCalculator> => EctCalculator.create(tablesOf(json, fileName));
