// The programs some tests need beside Node, found in one place: Debian's lammps (`lmp`), chromium and
// python3-ase (called as /usr/bin/python3), and util-linux `script` (a pseudo-terminal). CI (.ci/run)
// installs them. A test that needs one is declared with `describeWith` / `itWith`: where the program
// is missing it is skipped as a whole (never half: no `if (!lmp) return` inside a body), and its title
// says what it needs. test/helpers/skip-guard.ts then fails the run when a test was skipped for any
// other reason, or while the program it names is installed.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, it } from "vitest";

/** The programs tests may need; each name is also the tag in the titles, `[needs NAME]`. */
export const TOOL_NAMES = ["lmp", "chromium", "python3-ase", "script"] as const;
export type Tool = (typeof TOOL_NAMES)[number];

/** Debian's interpreter: python3-ase installs ASE for it (not for a pyenv or venv python on PATH). */
export const PYTHON = "/usr/bin/python3";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `names` on PATH, then in the given fixed folders. */
function onPath(names: readonly string[], extra: readonly string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...extra];
  for (const name of names) for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  return null;
}

function locate(tool: Tool): string | null {
  switch (tool) {
    case "lmp":
      return onPath(["lmp", "lmp_serial", "lmp_mpi"], ["/usr/bin", "/usr/local/bin"]);
    case "chromium":
      // playwright-core drives this executable; Debian's package puts it here.
      return executable("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    case "python3-ase":
      return executable(PYTHON) && spawnSync(PYTHON, ["-c", "import ase.io"], { stdio: "ignore" }).status === 0 ? PYTHON : null;
    case "script":
      return onPath(["script"], ["/usr/bin"]);
  }
}

const found = new Map<Tool, string | null>();

/** Path of the program (for python3-ase: the python that imports ASE), or null when it is not installed. */
export function tool(name: Tool): string | null {
  if (!found.has(name)) found.set(name, locate(name));
  return found.get(name)!;
}

/** Path of a program the calling test needs; only call it inside a `describeWith` / `itWith` body. */
export function need(name: Tool): string {
  const p = tool(name);
  if (p === null) throw new Error(`${name} is not installed (this test should have been skipped)`);
  return p;
}

/** Title of a test that needs `names`: `title [needs a] [needs b]` (what skip-guard reads). */
export function needsTitle(title: string, names: readonly Tool[]): string {
  return `${title}${names.map((n) => ` [needs ${n}]`).join("")}`;
}

function toolList(names: Tool | readonly Tool[]): readonly Tool[] {
  return typeof names === "string" ? [names] : names;
}

/** A `describe` that runs only where every program in `names` is installed. */
export function describeWith(names: Tool | readonly Tool[], title: string, body: () => void): void {
  const list = toolList(names);
  describe.skipIf(list.some((n) => tool(n) === null))(needsTitle(title, list), body);
}

/** An `it` that runs only where every program in `names` is installed. */
export function itWith(names: Tool | readonly Tool[], title: string, body: () => unknown, timeout?: number): void {
  const list = toolList(names);
  it.skipIf(list.some((n) => tool(n) === null))(needsTitle(title, list), body, timeout);
}

/**
 * The environment for running `lmp` (Debian's, built with OpenMPI 4) as one serial process in the
 * folder `dir`: one OpenMP thread, and OpenMPI told that it is a singleton on its own (no `orted`
 * daemon started, no network transports probed). Each run then starts in ~0.2 s instead of
 * ~0.7-1.3 s, nearly all of which was MPI start-up waiting, not computing; the numbers LAMMPS prints
 * are the same (one process, no messages). Isolated singletons all take job id 0, so runs at the same
 * time would share (and one remove) the session folder /tmp/ompi.HOST.UID/jf.0: each run keeps its
 * session in a new folder inside `dir` (removed with `dir`; OpenMPI empties it when LAMMPS ends).
 */
export function lammpsEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OMP_NUM_THREADS: "1",
    OMPI_MCA_ess_singleton_isolated: "1",
    OMPI_MCA_btl: "self",
    OMPI_MCA_pml: "ob1",
    OMPI_MCA_orte_tmpdir_base: mkdtempSync(join(dir, ".ompi-")),
  };
}
