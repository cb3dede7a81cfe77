/**
 * Thermo logs as CSV, one row per thermo output. The contract `ect-eam plot` relies on: the first
 * line names the columns; every later line holds plain numbers (JavaScript number text, possibly
 * with an exponent) or an empty field where a value does not exist (the pressure of a cluster).
 *
 * Columns, in this order: always `step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,
 * pressure_bar`, then those the run has: `volume_A3` (periodic cells), `omega_eV` (ECT-EAM grand
 * potential), `conserved_eV` (the integrator's conserved quantity, see `DynamicsThermo.conserved`),
 * `total_charge_e,charge_min_e,charge_max_e` (variable-charge models), `solver_iterations` (ECT-EAM
 * weight solver, Streitz-Mintmire QEq CG).
 */
import type { DynamicsThermo } from "../dynamics/driver.js";
import { InputError } from "../errors.js";

/** Every column a log can have, in the order they appear. */
export const THERMO_COLUMNS = [
  "step", "time_fs", "temperature_K", "potential_eV", "kinetic_eV", "total_eV", "pressure_bar",
  "volume_A3", "omega_eV", "conserved_eV", "total_charge_e", "charge_min_e", "charge_max_e", "solver_iterations",
] as const;

export type ThermoColumn = (typeof THERMO_COLUMNS)[number];

const VALUE: Record<ThermoColumn, (r: DynamicsThermo) => number | null> = {
  step: (r) => r.step,
  time_fs: (r) => r.time,
  temperature_K: (r) => r.temperature,
  potential_eV: (r) => r.potential,
  kinetic_eV: (r) => r.kinetic,
  total_eV: (r) => r.total,
  pressure_bar: (r) => r.pressure,
  volume_A3: (r) => r.volume,
  omega_eV: (r) => r.omega,
  conserved_eV: (r) => r.conserved,
  total_charge_e: (r) => r.totalCharge,
  charge_min_e: (r) => r.chargeMin,
  charge_max_e: (r) => r.chargeMax,
  solver_iterations: (r) => r.solverIterations,
};

/** What a run reports, deciding the optional columns. */
export interface ThermoLogContent {
  periodic: boolean;
  /** ECT-EAM: Omega and solver iterations. */
  ect: boolean;
  /** The model has charges. */
  charges: boolean;
  /** The model solves for its charges (ECT-EAM, Streitz-Mintmire): solver iterations. */
  solver?: boolean;
}

/** The columns of a log for a run with the given content. */
export function thermoColumns(c: ThermoLogContent): ThermoColumn[] {
  const cols: ThermoColumn[] = ["step", "time_fs", "temperature_K", "potential_eV", "kinetic_eV", "total_eV", "pressure_bar"];
  if (c.periodic) cols.push("volume_A3");
  if (c.ect) cols.push("omega_eV");
  cols.push("conserved_eV");
  if (c.charges) cols.push("total_charge_e", "charge_min_e", "charge_max_e");
  if (c.ect || c.solver) cols.push("solver_iterations");
  return cols;
}

/** The header line (no newline). */
export function formatThermoHeader(columns: readonly ThermoColumn[]): string {
  return columns.join(",");
}

/** One row (no newline): shortest exact number text, empty where the value does not exist. */
export function formatThermoRow(columns: readonly ThermoColumn[], row: DynamicsThermo): string {
  return columns
    .map((c) => {
      const v = VALUE[c](row);
      return v === null || !Number.isFinite(v) ? "" : String(v);
    })
    .join(",");
}

/** A log read back: column names and rows of numbers (null for empty fields). */
export interface ParsedThermoLog {
  columns: string[];
  rows: (number | null)[][];
}

/** Reads a thermo CSV; `fileName` is for messages. */
export function parseThermoCsv(text: string, fileName = "log"): ParsedThermoLog {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new InputError(`${fileName}: empty thermo log (expected a header line of column names)`);
  const columns = lines[0].split(",").map((s) => s.trim());
  if (columns.some((c) => c === "" || !Number.isNaN(Number(c)))) {
    throw new InputError(`${fileName}:1: the first line must name the columns, got '${lines[0]}'`);
  }
  const rows = lines.slice(1).map((line, k) => {
    const fields = line.split(",");
    if (fields.length !== columns.length) {
      throw new InputError(`${fileName}:${k + 2}: ${fields.length} fields, expected ${columns.length} (${columns.join(",")})`);
    }
    return fields.map((f, j) => {
      if (f.trim() === "") return null;
      const v = Number(f);
      if (!Number.isFinite(v)) throw new InputError(`${fileName}:${k + 2}: column ${columns[j]} is '${f}', expected a number or nothing`);
      return v;
    });
  });
  return { columns, rows };
}
