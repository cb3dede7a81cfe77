/**
 * Thermo logs as CSV (what `ect-eam md --log` writes): a header line of column names, then rows of
 * plain numbers, comma-separated; an empty field means "no value" (e.g. pressure of a cluster).
 * Browser-safe.
 */
import { InputError } from "../errors.js";

/** A parsed log: column names and, per column, one value per row (NaN where the field was empty). */
export interface ThermoLog {
  columns: string[];
  /** values[c][r]: column c, row r. */
  values: Float64Array[];
  rows: number;
}

/** A plain decimal or exponent number (what the log writer prints; no hex, no Infinity). */
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a thermo-log CSV.
 * @param text file contents
 * @param file name for messages
 * @throws InputError (file, line, column) for an empty file, a header that is missing (a first line of
 *         numbers) or has empty or repeated names, a row with the wrong number of fields, or a field
 *         that is not a number
 */
export function parseThermoCsv(text: string, file: string): ThermoLog {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new InputError("the log is empty; expected a header line of column names, then rows of numbers", { file });
  const columns = lines[0].split(",").map((s) => s.trim());
  if (columns.every((c) => NUMBER_RE.test(c))) {
    throw new InputError(`line 1 holds numbers ("${lines[0].slice(0, 60)}"); expected a header line of column names such as step,time_fs,...`, { file, line: 1 });
  }
  columns.forEach((c, k) => {
    if (c === "") throw new InputError(`column ${k + 1} of the header has no name`, { file, line: 1 });
    if (columns.indexOf(c) !== k) throw new InputError(`column name '${c}' appears twice in the header`, { file, line: 1 });
  });
  const data = lines.slice(1);
  const values = columns.map(() => new Float64Array(data.length));
  let rows = 0;
  data.forEach((raw, r) => {
    const line = r + 2;
    if (raw.trim() === "") throw new InputError("blank line inside the log; expected a row of numbers", { file, line });
    const fields = raw.split(",").map((s) => s.trim());
    if (fields.length !== columns.length) {
      throw new InputError(`${fields.length} field(s), but the header names ${columns.length} columns`, { file, line });
    }
    fields.forEach((f, c) => {
      if (f === "") values[c][rows] = NaN;
      else if (NUMBER_RE.test(f)) values[c][rows] = Number(f);
      else throw new InputError(`column ${c + 1} (${columns[c]}): '${f}' is not a number`, { file, line });
    });
    rows++;
  });
  return { columns, values, rows };
}
