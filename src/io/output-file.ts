/**
 * Output files that are never left empty or half-written (Node only). Every output is first written
 * to a hidden temporary file next to its target and renamed over the target when complete, so a
 * run that fails (or is interrupted) leaves the old file, or none, behind. `checkOutputPath` tries
 * the target's directory before any work starts, so a typo in a path fails at once, not after an
 * hour of MD.
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";

/**
 * Temporary files not yet committed; removed when the process exits (an error; Ctrl-C too when the
 * program turns signals into `process.exit`, as the CLI does).
 */
const pending = new Set<string>();
/**
 * Output directories that `checkOutputDir` created, parents first; those still empty when the process
 * exits (the run failed or was interrupted before writing into them) are removed again.
 */
const createdDirs: string[] = [];
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const p of pending) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
    for (const d of [...createdDirs].reverse()) {
      try {
        rmdirSync(d); // only an empty directory
      } catch {
        // holds outputs (or is gone)
      }
    }
  });
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** One line saying why `path` cannot be written, from a Node file-system error. */
function reason(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  const dir = dirname(path);
  switch (code) {
    case "ENOENT":
      return `directory ${dir} does not exist`;
    case "ENOTDIR":
      return `a part of ${dir} is not a directory`;
    case "EACCES":
    case "EPERM":
      return `permission denied in ${dir}`;
    case "EROFS":
      return `${dir} is on a read-only file system`;
    case "ENOSPC":
      return "no space left on the device";
    case "EISDIR":
      return `${path} is a directory`;
    default:
      return (err as Error).message;
  }
}

/**
 * Checks that `path` can be written (its directory exists and takes a new file; the path is not a
 * directory) by creating and removing a temporary file there.
 * @param what the flag or role for the message, e.g. "--dump"
 * @throws InputError naming the flag, the path and the reason
 */
export function checkOutputPath(path: string, what: string): void {
  if (path.trim() === "") throw new InputError(`${what} needs a file name`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`cannot write ${what} ${path}: it is a directory`);
  const tmp = tempPathFor(path);
  try {
    closeSync(openSync(tmp, "wx"));
    unlinkSync(tmp);
  } catch (err) {
    throw new InputError(`cannot write ${what} ${path}: ${reason(err, path)}`);
  }
}

/** Checks every given output path (undefined entries are skipped). */
export function checkOutputPaths(outputs: [what: string, path: string | undefined][]): void {
  const seen = new Map<string, string>();
  for (const [what, path] of outputs) {
    if (path === undefined) continue;
    const other = seen.get(path);
    if (other !== undefined) throw new InputError(`${what} and ${other} name the same file ${path}`);
    seen.set(path, what);
    checkOutputPath(path, what);
  }
}

/**
 * Checks that `dir` is a directory that can take files, creating it (and its parents) when missing.
 * @throws InputError naming the flag, the directory and the reason
 */
export function checkOutputDir(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`cannot write ${what} ${dir}: it is a file, not a directory`);
  try {
    // mkdirSync reports the first directory it created: that one and those below it are ours
    const first = mkdirSync(dir, { recursive: true });
    if (first !== undefined) {
      installCleanup();
      const chain: string[] = [];
      for (let d = resolve(dir); d !== dirname(resolve(first)) && dirname(d) !== d; d = dirname(d)) chain.unshift(d);
      createdDirs.push(...chain);
    }
  } catch (err) {
    throw new InputError(`cannot create ${what} ${dir}: ${reason(err, join(dir, "x"))}`);
  }
  checkOutputPath(join(dir, ".probe"), what);
}

/** Writes a whole file: temporary file, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array, what = "output"): void {
  const out = OutputStream.open(path, { what });
  try {
    out.write(data);
    out.commit();
  } catch (err) {
    out.discard();
    throw err;
  }
}

/**
 * A file written piece by piece (trajectory, dump, log) that appears under its name only when
 * `commit` is called; `discard` (or the process exiting first) removes what was written.
 */
export class OutputStream {
  private fd: number | null;
  private constructor(readonly path: string, private readonly tmp: string, fd: number, readonly appended: boolean) {
    this.fd = fd;
  }

  /** The first line of an existing file (without its newline), or null when there is none. */
  static peekFirstLine(path: string): string | null {
    if (!existsSync(path) || statSync(path).isDirectory()) return null;
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(65536);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString("utf8").split("\n", 1)[0];
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Opens a new output. With `append`, an existing file's content is copied first and new text
   * goes after it (resumed runs); the file is still replaced only at `commit`.
   * @throws InputError when the file cannot be created
   */
  static open(path: string, opts: { append?: boolean; what?: string } = {}): OutputStream {
    const what = opts.what ?? "output";
    if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`cannot write ${what} ${path}: it is a directory`);
    installCleanup();
    const tmp = tempPathFor(path);
    try {
      const appended = opts.append === true && existsSync(path);
      if (appended) copyFileSync(path, tmp);
      const fd = openSync(tmp, appended ? "a" : "w");
      pending.add(tmp);
      return new OutputStream(path, tmp, fd, appended);
    } catch (err) {
      throw new InputError(`cannot write ${what} ${path}: ${reason(err, path)}`);
    }
  }

  /** Appends text (or bytes). */
  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new Error(`internal: ${this.path} is already closed`);
    if (typeof data === "string") writeSync(this.fd, data);
    else writeSync(this.fd, data);
  }

  /** Closes the file and renames it over the target. */
  commit(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tmp, this.path);
    pending.delete(this.tmp);
  }

  /** Closes and removes the temporary file; the target is left as it was. */
  discard(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (pending.delete(this.tmp)) {
      try {
        unlinkSync(this.tmp);
      } catch {
        // already gone
      }
    }
  }
}
