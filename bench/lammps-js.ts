// The WebAssembly build of LAMMPS (npm `lammps.js`, its `wasm-atomify` build: MANYBODY for pair_style eam)
// on the in.eam workload, when the package is installed (`npm i --no-save lammps.js`; it is not a
// dependency: ~76 MB). Serial (no Kokkos threads); the module is compiled once (~13 s for its 41 MB).
import { readFileSync } from "node:fs";

interface LammpsWeb {
  startWithArgs(args?: string[] | null): void;
  runScript(script: string): void;
}
interface LammpsModule {
  FS: { writeFile(path: string, data: string | Uint8Array): void };
  LAMMPSWeb: new () => LammpsWeb;
}

/** Version of the installed lammps.js, or null when it is not installed. */
async function installedVersion(): Promise<string | null> {
  try {
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    // The package's exports map hides package.json: find it above the resolved entry.
    const entry = req.resolve("lammps.js");
    const at = entry.replace(/\\/g, "/").indexOf("/node_modules/lammps.js/");
    if (at < 0) return null;
    const root = entry.slice(0, at + "/node_modules/lammps.js".length);
    return (JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * Runs in.eam (fcc Cu, `repeat`^3 cells, Cu_u3.eam, pair_style eam) `runs` times in one lammps.js
 * module; microseconds per atom-step from each run's "Loop time" line (median), and the module's
 * load (compile) time in ms. Null when lammps.js is not installed.
 */
export async function runLammpsJsEam(opts: { repeat: number; steps: number; runs: number; potentialPath: string }): Promise<{ usPerAtomStep: number; loadMs: number; version: string } | null> {
  const version = await installedVersion();
  if (version === null) return null;
  const t0 = performance.now();
  const spec = "lammps.js/wasm-atomify";
  const createModule = ((await import(spec)) as { default: (o: object) => Promise<LammpsModule> }).default;
  let out = "";
  const wasm = await createModule({ print: (s: string) => (out += `${s}\n`), printErr: (s: string) => (out += `${s}\n`) });
  const loadMs = performance.now() - t0;
  wasm.FS.writeFile("Cu_u3.eam", readFileSync(opts.potentialPath));
  const samples: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    out = "";
    const lmp = new wasm.LAMMPSWeb();
    lmp.startWithArgs(["-log", "none"]);
    lmp.runScript(
      [
        `variable x index ${opts.repeat}`, `variable y index ${opts.repeat}`, `variable z index ${opts.repeat}`,
        "units metal", "atom_style atomic", "lattice fcc 3.615", "region box block 0 $x 0 $y 0 $z",
        "create_box 1 box", "create_atoms 1 box", "pair_style eam", "pair_coeff 1 1 Cu_u3.eam",
        "velocity all create 1600.0 376847 loop geom", "neighbor 1.0 bin", "neigh_modify every 1 delay 5 check yes",
        "fix 1 all nve", "timestep 0.005", "thermo 50", `run ${opts.steps}`, "clear", "",
      ].join("\n"),
    );
    const m = /Loop time of (\S+) on \d+ procs for (\d+) steps with (\d+) atoms/.exec(out);
    if (!m) throw new Error(`lammps.js: no Loop time line\n${out.split("\n").slice(-8).join("\n")}`);
    samples.push((Number(m[1]) * 1e6) / (Number(m[2]) * Number(m[3])));
  }
  samples.sort((a, b) => a - b);
  return { usPerAtomStep: samples[samples.length >> 1], loadMs, version };
}
