// Spatial domain decomposition (src/domain): one MD run over 2 and 3 workers gives the energies,
// forces, per-atom energies and virial of the single engine to round-off, trajectories with atoms
// migrating between domains stay on the single engine's to 1e-8 A, one worker is the single engine
// bit for bit, thin cells fall back to fewer domains, and failures reach the caller.
// The workers run dist/domain-worker.js, so these tests need `npm run build` first (npm test does it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { createDomainMd, type DomainMd, type DomainState } from "../src/domain/index.js";
import { MolecularDynamics } from "../src/dynamics/driver.js";
import type { DynamicsThermo } from "../src/dynamics/thermo.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { Random } from "../src/dynamics/random.js";
import { EamEngine } from "../src/eam/engine.js";
import { InputError } from "../src/errors.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { bulk } from "../src/structures/lattice.js";
import type { EamPotentialSpec } from "../src/workers/protocol.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DT = 5; // fs, as LAMMPS bench/in.eam

function spec(name: string): EamPotentialSpec {
  return { kind: "eam", text: readFileSync(join(ROOT, "potentials", name), "utf8"), fileName: name };
}

/** fcc Cu (Cu_u3: a = 3.615 A) rattled by 0.05 A, with 1600 K velocities: atoms cross slab faces within 100 steps. */
function copper(repeat: number | [number, number, number], seed: number): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, repeat);
  const rng = new Random(seed);
  for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += 0.05 * rng.normal();
  atoms.velocities = maxwellBoltzmann(atoms.masses, 1600, seed);
  return atoms;
}

/** Random Cu0.5Ni0.5 on an fcc lattice of a = 3.58 A (CuNi.eam.alloy, cutoff 6.4 A). */
function cuni(repeat: number, seed: number): Atoms {
  const base = bulk("Cu", "fcc", 3.58, repeat);
  const rng = new Random(seed);
  const symbols = base.symbols.map(() => (rng.uniform() < 0.5 ? "Ni" : "Cu"));
  for (let k = 0; k < base.positions.length; k++) base.positions[k] += 0.04 * rng.normal();
  const atoms = new Atoms({ symbols, positions: base.positions, cell: base.cell, pbc: base.pbc });
  atoms.velocities = maxwellBoltzmann(atoms.masses, 1200, seed);
  return atoms;
}

/**
 * What the single engine gives after `steps` velocity-Verlet steps. The same (potential, structure,
 * steps) is asked for by several tests (the 4,000-atom copper by the 2- and 3-domain runs): each is
 * computed once per file.
 */
const singles = new WeakMap<Atoms, Map<string, Promise<Single>>>();
function single(s: EamPotentialSpec, atoms: Atoms, steps: number): Promise<Single> {
  const known = singles.get(atoms) ?? new Map<string, Promise<Single>>();
  singles.set(atoms, known);
  const key = `${s.fileName} ${steps}`;
  if (!known.has(key)) known.set(key, computeSingle(s, atoms, steps));
  return known.get(key)!;
}
async function computeSingle(s: EamPotentialSpec, atoms: Atoms, steps: number) {
  const e = await EamEngine.create(parseEamPotential(s.text, { fileName: s.fileName }));
  e.setAtoms(atoms);
  e.compute();
  if (steps > 0) e.runVerlet(steps, DT);
  return {
    energy: e.energy(),
    kinetic: e.kineticEnergy(),
    forces: e.forces(),
    energies: e.energies(),
    virial: e.virial(),
    positions: e.positions(),
    velocities: e.velocities(),
    builds: e.neighborStats().builds,
  };
}
type Single = Awaited<ReturnType<typeof computeSingle>>;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};
const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float64Array(a.length));

/** Largest distance between the two position sets, each atom compared with its nearest periodic image. */
function positionGap(a: ArrayLike<number>, b: ArrayLike<number>, atoms: Atoms): number {
  const h = atoms.cell;
  let m = 0;
  for (let i = 0; i < a.length / 3; i++) {
    let best = Infinity;
    for (let na = -1; na <= 1; na++) {
      for (let nb = -1; nb <= 1; nb++) {
        for (let nc = -1; nc <= 1; nc++) {
          let s = 0;
          for (let c = 0; c < 3; c++) {
            const d = a[3 * i + c] - b[3 * i + c] + na * h[c] + nb * h[3 + c] + nc * h[6 + c];
            s += d * d;
          }
          best = Math.min(best, Math.sqrt(s));
        }
      }
    }
    m = Math.max(m, best);
  }
  return m;
}

/** Static results agree to round-off: energy per atom 1e-12 relative, forces and per-atom energies 1e-10. */
function expectStaticMatch(st: DomainState, ref: Single, n: number): void {
  expect(Math.abs(st.energy - ref.energy) / Math.abs(ref.energy)).toBeLessThan(1e-12);
  expect(maxAbsDiff(st.forces, ref.forces)).toBeLessThan(1e-10);
  expect(maxAbsDiff(st.energies, ref.energies)).toBeLessThan(1e-10);
  // The virial is a sum of ~N*40 pair terms: round-off relative to its largest component.
  expect(maxAbsDiff(st.virial, ref.virial)).toBeLessThan(1e-12 * Math.max(1, maxAbs(ref.virial)) * Math.sqrt(n));
  expect(Math.abs(st.kinetic - ref.kinetic) / ref.kinetic).toBeLessThan(1e-12);
}

/** After the run so far, the domains' state is the single engine's after as many steps (returned). */
async function expectSameAsSingle(md: DomainMd, s: EamPotentialSpec, atoms: Atoms, steps: number) {
  const st = await md.state();
  const ref = await single(s, atoms, steps);
  expect(positionGap(st.positions, ref.positions, atoms)).toBeLessThan(1e-8);
  expectStaticMatch(st, ref, atoms.length);
  return st;
}

const open: DomainMd[] = [];
afterAll(async () => {
  await Promise.all(open.map((m) => m.close()));
});

async function start(s: EamPotentialSpec, atoms: Atoms, workers: number, warnings: string[] = []): Promise<DomainMd> {
  const md = await createDomainMd({ potential: s, atoms, dt: DT, workers, onWarning: (m) => warnings.push(m) });
  open.push(md);
  return md;
}

describe("spatial domains equal the single engine", { timeout: 60_000 }, () => {
  const cu = spec("Cu_u3.eam");
  const atoms = copper(10, 11); // 4,000 atoms, 36.15 A cube

  for (const workers of [2, 3]) {
    it(`Cu_u3, 4,000 atoms, ${workers} domains: static results, then 100 steps with migrations`, async () => {
      const ref0 = await single(cu, atoms, 0);
      const md = await start(cu, atoms, workers);
      expect(md.domains).toBe(workers);
      expect(md.limitedBy).toBe("");
      expectStaticMatch(await md.state(), ref0, atoms.length);

      const ref = await single(cu, atoms, 100);
      const th = await md.run(100);
      const st = await md.state();
      const stats = md.stats();
      expect(stats.migrations).toBeGreaterThan(100);
      expect(stats.builds).toBe(ref.builds);
      expect(stats.atoms.reduce((a, b) => a + b, 0)).toBe(atoms.length);
      expect(positionGap(st.positions, ref.positions, atoms)).toBeLessThan(1e-8);
      expect(maxAbsDiff(st.velocities, ref.velocities)).toBeLessThan(1e-10);
      expectStaticMatch(st, ref, atoms.length);
      expect(th.potential).toBe(st.energy);
      expect(th.step).toBe(100);
    });
  }

  it("CuNi alloy (eam/alloy), 3 domains: static results and 50 steps", async () => {
    const s = spec("CuNi.eam.alloy");
    const alloy = cuni(10, 5);
    const md = await start(s, alloy, 3);
    expect(md.domains).toBe(3);
    expectStaticMatch(await md.state(), await single(s, alloy, 0), alloy.length);
    await md.run(50);
    await expectSameAsSingle(md, s, alloy, 50);
  });

  it("a sheared (triclinic) cell cut along its longest vector, 2 domains", async () => {
    const atoms = copper([5, 5, 10], 3);
    // Shear c by a/4 + b/8: still a periodic crystal, now with a non-orthogonal cell.
    const c = atoms.cell, p = atoms.positions;
    const sx = 0.25 / 10, sy = 0.125 / 10;
    c[6] += sx * c[8];
    c[7] += sy * c[8];
    for (let i = 0; i < atoms.length; i++) {
      p[3 * i] += sx * p[3 * i + 2];
      p[3 * i + 1] += sy * p[3 * i + 2];
    }
    const md = await start(cu, atoms, 2);
    expect(md.axis).toBe(2);
    await md.run(60, { progressEvery: 20 });
    await expectSameAsSingle(md, cu, atoms, 60);
    expect(md.stats().migrations).toBeGreaterThan(0);
  });

  it("one worker is the single engine bit for bit", async () => {
    const md = await start(cu, atoms, 1);
    await md.run(40);
    const st = await md.state();
    const e = await EamEngine.create(parseEamPotential(cu.text, { fileName: cu.fileName }));
    e.setAtoms(atoms);
    e.compute();
    e.runVerlet(40, DT);
    expect(Object.is(st.energy, e.energy())).toBe(true);
    expect(Array.from(st.forces)).toEqual(Array.from(e.forces()));
    expect(Array.from(st.positions)).toEqual(Array.from(e.positions()));
  });

  it("reports progress after each chunk, and thermo rows on the driver's schedule with the driver's row type", async () => {
    const md = await start(cu, atoms, 2);
    const seen: [number, number, number][] = [];
    await md.run(30, { progressEvery: 10, onProgress: (done, total, th) => seen.push([done, total, th.step]) });
    expect(seen).toEqual([
      [10, 30, 10],
      [20, 30, 20],
      [30, 30, 30],
    ]);
    expect(md.step).toBe(30);
    expect(md.time).toBe(30 * DT);
    // rows at the start, at multiples of thermoEvery counted from step 0, and at the end, as the
    // driver's (its schedule does not depend on the system: a small one serves as the reference)
    const rows: DynamicsThermo[] = [];
    await md.run(25, { thermoEvery: 20, onThermo: (r) => rows.push(r) });
    const small = copper(3, 1);
    const ref = new MolecularDynamics(await EamCalculator.create(parseEamPotential(cu.text, { fileName: cu.fileName })), small, { dt: DT });
    ref.step = 30;
    const driverSteps: number[] = [];
    ref.run(25, { thermoEvery: 20, onThermo: (r) => driverSteps.push(r.step) });
    expect(rows.map((r) => r.step)).toEqual(driverSteps);
    expect(driverSteps).toEqual([30, 40, 55]);
    // NVE EAM: the conserved energy is the total; no charges, solver or volume column
    const r = rows[rows.length - 1];
    expect(r.conserved).toBe(r.total);
    expect([r.chargeMin, r.chargeMax, r.solverIterations, r.volume]).toEqual([null, null, null, null]);
  });
});

describe("thin cells", { timeout: 60_000 }, () => {
  const cu = spec("Cu_u3.eam");

  it("uses as many domains as fit slabs wider than cutoff + skin, with a warning", async () => {
    const atoms = copper(5, 2); // 18.1 A: three slabs of 6.0 A > 5.95 A fit, four do not
    const warnings: string[] = [];
    const md = await start(cu, atoms, 4, warnings);
    expect(md.domains).toBe(3);
    expect(md.limitedBy).toMatch(/wider than the neighbor reach/);
    expect(warnings.join("\n")).toMatch(/using 3 of 4 workers/);
    await md.run(30);
    await expectSameAsSingle(md, cu, atoms, 30);
  });

  it("falls back to one domain for a cell thinner than two slabs and for a cluster", async () => {
    const small = copper(2, 4); // 7.2 A
    const md = await start(cu, small, 2, []);
    expect(md.domains).toBe(1);
    const ref = await single(cu, small, 0);
    expectStaticMatch(await md.state(), ref, small.length);

    const cluster = new Atoms({ symbols: small.symbols, positions: small.positions, velocities: small.velocities });
    const mc = await start(cu, cluster, 2, []);
    expect(mc.domains).toBe(1);
    expect(mc.limitedBy).toMatch(/no periodic direction/);
    expect((await mc.state()).stress).toBeNull();
  });
});

describe("failures reach the caller", { timeout: 60_000 }, () => {
  const cu = spec("Cu_u3.eam");

  it("a bad structure is an InputError before any worker starts", async () => {
    const atoms = copper(4, 1);
    atoms.symbols[7] = "Xx";
    await expect(createDomainMd({ potential: cu, atoms, dt: DT, workers: 2 })).rejects.toThrow(InputError);
    await expect(createDomainMd({ potential: cu, atoms, dt: DT, workers: 2 })).rejects.toThrow(/atom 7: species 'Xx'/);
    await expect(createDomainMd({ potential: cu, atoms: copper(4, 1), dt: -1, workers: 2 })).rejects.toThrow(/time step/);
  });

  it("two atoms on top of each other, found in a worker, stop every worker with the single engine's message", async () => {
    const atoms = copper(10, 8);
    // Atom 123 onto atom 0, across the periodic face of the slab cut.
    for (let c = 0; c < 3; c++) atoms.positions[3 * 123 + c] = atoms.positions[c];
    const err = await createDomainMd({ potential: cu, atoms, dt: DT, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/atoms 0 and 123 are .* apart: two atoms on top of each other/);
  });

  it("a worker thread that dies mid-run rejects the run, and the session refuses further calls", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ect-eam-domain-"));
    try {
      const worker = join(dir, "crashing-worker.mjs");
      const real = pathToFileURL(join(ROOT, "dist", "domain-worker.js")).href;
      writeFileSync(
        worker,
        // Barriers run inside one synchronous call, so the crash hooks Atomics.add, which each
        // barrier crossing calls once: one of the two workers exits after 300 crossings.
        `import ${JSON.stringify(real)};\nimport { threadId } from "node:worker_threads";\n` +
          `const add = Atomics.add;\nlet crossings = 0;\n` +
          `if (threadId % 2 === 0) Atomics.add = (...a) => (++crossings > 300 ? process.exit(7) : add(...a));\n`,
      );
      let md: DomainMd | undefined;
      const attempt = (async () => {
        md = await createDomainMd({ potential: cu, atoms: copper(10, 9), dt: DT, workers: 2, workerUrl: pathToFileURL(worker) });
        open.push(md);
        await md.run(1_000_000);
      })();
      await expect(attempt).rejects.toThrow(/stopped \(exit code 7\)/);
      if (md) await expect(md.run(1)).rejects.toThrow(/stopped after an error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
