/**
 * One spatial domain inside its worker: the atoms it owns, the copies of neighboring domains' atoms
 * it imports, and the velocity-Verlet step with its communication (LAMMPS' half-shell scheme with
 * reverse communication, see docs/domain-decomposition.md):
 *
 *   drift -> [rebuild flags, import positions] -> density -> [import densities back to owners]
 *   -> embedding -> [F'(rho) to imports] -> forces -> [import forces back to owners] -> kick
 *
 * Each [...] is one write into this worker's outbox, a barrier, and reads from the others'. At a
 * neighbor rebuild (any domain's displacement check fires) atoms are wrapped, migrate to the domain
 * whose slab holds them, and each domain sends the atoms within the neighbor reach of its lower face
 * to the domain below as import records; the per-step sections are laid out after them.
 */
import { CalculationFailed, InputError } from "../errors.js";
import { FTM } from "../engine/system.js";
import { cellFrame, type CellFrame } from "../engine/geometry.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import { domainOf, fractional } from "./decompose.js";
import { DomainEngine, type AtomBlock, type Carried, type OwnedBlock, type SlabEngine } from "./engine.js";
import { Exchange, Slot } from "./exchange.js";
import { Halo, sectionValues, type SendList } from "./halo.js";
import type { DomainGathered, DomainPartial, DomainSetup } from "./protocol.js";
import type { EamPotentialSpec } from "../workers/protocol.js";
import { DomainQeq } from "./streitz-qeq.js";
import { createStreitzSlabEngine, type StreitzSlabEngine } from "./streitz-engine.js";
import { DomainThermostat } from "./thermostat.js";
import { interleave3 } from "../math/interleave.js";
import { STREITZ_TABLE_R0 } from "../streitz/tables.js";

/** Values per migrating atom before the engine's carried data: destination, gid, type, x, y, z, vx, vy, vz, 1/mass. */
const MIGRANT = 10;
/** Values per import record: gid, type, x, y, z (already shifted by the image vector). */
const RECORD = 5;
/**
 * Pair-rule ranks (assembly/neighbors.ts): owned atoms rank by local index + 1 (the one-engine rule
 * among them); imports rank above all of them, so every pair with an import is computed here.
 */
const TOP_RANK = 2 ** 30 - 1;

export class Domain {
  private readonly engine: SlabEngine;
  private readonly ex: Exchange;
  private readonly halo: Halo;
  /** The charge solve of Streitz-Mintmire (null for EAM). */
  private readonly qeq: DomainQeq | null;
  private readonly thermostat: DomainThermostat;
  private readonly dt: number;
  /** Steps since the session started (the same on every domain; Langevin's noise is keyed on it). */
  private stepCount = 0;
  /** Per-atom data of the engine and the charge solve that migrants carry. */
  private readonly carried: Carried[];
  private readonly frame: CellFrame;
  private readonly pbc: [boolean, boolean, boolean];
  private readonly p: number;
  private readonly d: number;
  private readonly axis: number;
  private readonly bounds: number[];
  private readonly margin: number;
  private readonly every: number;
  private readonly delay: number;
  private readonly neighborsPerAtom: number;
  /** Global ids of the owned atoms, in engine order, and of the imports. */
  private gid: Int32Array = new Int32Array(0);
  private importGid: Int32Array = new Int32Array(0);
  private since = 0;
  private builds = 0;
  private dangerous = 0;
  private arrivals = 0;
  private started = false;

  constructor(setup: DomainSetup) {
    const spec = setup.potential;
    // Streitz-Mintmire: the engine also runs the charge solve's passes (DomainQeq below).
    let streitz: StreitzSlabEngine | null = null;
    if (spec.kind === "streitz") {
      streitz = createStreitzSlabEngine(spec, setup.module, setup.variant, setup.skin);
      this.engine = streitz.slab;
    } else {
      this.engine = eamSlab(spec, setup);
    }
    const dec = setup.decomposition;
    this.p = dec.domains;
    this.d = setup.index;
    this.axis = dec.axis;
    this.bounds = dec.bounds;
    this.margin = dec.margin;
    this.every = Math.max(1, setup.every);
    this.delay = setup.delay;
    this.neighborsPerAtom = setup.neighborsPerAtom;
    this.frame = cellFrame(setup.cell, setup.pbc);
    this.pbc = setup.pbc;
    this.ex = new Exchange(setup.blocks, this.d, this.p);
    // Ewald: the k-vectors of the cell (the whole system's); a global sum then adds 2 values per k.
    const kcount = streitz && spec.kind === "streitz" && spec.ewald ? streitz.setEwald(setup.cell, spec.ewald.g, spec.ewald.kmax).kcount : 0;
    this.halo = new Halo(this.ex, this.d, this.p, 2 * kcount + 2);
    this.qeq = streitz && spec.kind === "streitz" ? new DomainQeq(streitz, this.halo, spec.settings, spec.xl ?? null, kcount, this.d === 0) : null;
    this.carried = [...this.engine.carried(), ...(this.qeq ? this.qeq.carried() : [])];
    this.thermostat = new DomainThermostat(setup.thermostat, setup.totalAtoms, this.halo);
    this.dt = setup.dt;
    const ghostPbc = this.pbc.slice() as [boolean, boolean, boolean];
    if (this.p > 1) ghostPbc[this.axis] = false;
    this.engine.configure(this.frame, ghostPbc, this.p > 1, this.every, this.delay, setup.dt);
    const a = setup.atoms, n = a.gid.length;
    const block = emptyOwned(n);
    block.count = n;
    for (let i = 0; i < n; i++) {
      block.rank[i] = i + 1;
      block.type[i] = a.type[i];
      block.x[i] = a.positions[3 * i];
      block.y[i] = a.positions[3 * i + 1];
      block.z[i] = a.positions[3 * i + 2];
      block.vx[i] = a.velocities[3 * i];
      block.vy[i] = a.velocities[3 * i + 1];
      block.vz[i] = a.velocities[3 * i + 2];
      block.invMass[i] = 1 / a.masses[i];
    }
    this.gid = a.gid.slice();
    this.engine.setOwned(block, this.neighborsPerAtom);
  }

  /** Signals the other workers that this one failed (they stop at their next barrier). */
  abort(): void {
    this.ex.abort();
  }

  /** First neighbor build and forces (collective). */
  start(): DomainPartial {
    this.engine.setTally(true);
    this.rebuild();
    this.forces(true);
    this.started = true;
    return this.partial();
  }

  /** `steps` velocity-Verlet steps (collective); per-atom energies and the virial on the last. */
  run(steps: number): DomainPartial {
    if (!this.started) throw new Error("internal: domain run before start");
    const e = this.engine, th = this.thermostat, dt = this.dt;
    for (let s = 0; s < steps; s++) {
      const tally = s === steps - 1;
      e.setTally(tally);
      // The driver's step (src/dynamics/driver.ts `stepOnce`), with exchanges where the passes need them.
      th.preKick(e, dt);
      if (th.splitDrift) {
        this.kick();
        this.drift(0.5 * dt);
        th.midDrift(e, this.gid, this.stepCount, dt);
        this.drift(0.5 * dt);
      } else {
        e.initialIntegrate(); // the kernel's half kick and drift
      }
      this.stepCount++;
      this.since++;
      const due = this.since >= this.delay && this.since % this.every === 0 && e.needsRebuildNow();
      let rebuild = due;
      if (this.p > 1) {
        this.ex.setFlag(due ? 1 : 0);
        this.halo.sendPositions(e.array("x"), e.array("y"), e.array("z"));
        this.ex.barrier();
        rebuild = this.ex.anyFlag();
        if (!rebuild) this.halo.receivePositions(e.length, e.array("x"), e.array("y"), e.array("z"));
      }
      if (rebuild) {
        if (this.since === Math.max(this.delay, this.every)) this.dangerous++;
        this.rebuild();
      }
      this.forces(tally);
      e.finalIntegrate();
      th.postKick(e, dt);
    }
    return this.partial();
  }

  /** v += dt/2 F/m for the owned atoms, written as the kernel's half kick (dtf * (1/m) * F). */
  private kick(): void {
    const e = this.engine, n = e.length, dtf = 0.5 * this.dt * FTM;
    const vx = e.array("vx"), vy = e.array("vy"), vz = e.array("vz");
    const fx = e.array("fx"), fy = e.array("fy"), fz = e.array("fz"), im = e.array("invMass");
    for (let i = 0; i < n; i++) {
      const s = dtf * im[i];
      vx[i] += s * fx[i];
      vy[i] += s * fy[i];
      vz[i] += s * fz[i];
    }
  }

  /** x += h v for the owned atoms (h in fs). */
  private drift(h: number): void {
    const e = this.engine, n = e.length;
    for (const [x, v] of [["x", "vx"], ["y", "vy"], ["z", "vz"]] as const) {
      const xs = e.array(x), vs = e.array(v);
      for (let i = 0; i < n; i++) xs[i] += h * vs[i];
    }
  }

  gather(): DomainGathered {
    const e = this.engine, n = e.length;
    const pack = (a: Float64Array, b: Float64Array, c: Float64Array) => interleave3(a, b, c, n);
    return {
      gid: this.gid.slice(0, n),
      positions: pack(e.array("x"), e.array("y"), e.array("z")),
      velocities: pack(e.array("vx"), e.array("vy"), e.array("vz")),
      forces: pack(e.array("fx"), e.array("fy"), e.array("fz")),
      energies: e.array("eatom").slice(0, n),
      charges: this.qeq ? this.qeq.charges() : null,
    };
  }

  private partial(): DomainPartial {
    const e = this.engine;
    return {
      energy: e.energy(),
      kinetic: e.kineticEnergy(),
      virial: e.virial(),
      atoms: e.length,
      builds: this.builds,
      dangerous: this.dangerous,
      arrivals: this.arrivals,
      offTable: e.offTableCount(),
      imports: e.importCount,
      qeq: this.qeq ? this.qeq.report() : null,
      thermostat: this.thermostat.energyShare(this.d),
    };
  }

  // ---------------------------------------------------------------- forces

  /**
   * Forces at the current positions: EAM passes with their reverse (densities) and forward (F'(rho))
   * communication; for Streitz-Mintmire the charge solve and the Coulomb pass; then the forces (and
   * per-atom energies when tallying) accumulated on imports go back to their owners.
   */
  private forces(tally: boolean): void {
    const e = this.engine, n = e.length, h = this.halo;
    e.density();
    h.reverse(n, [e.array("rho")]);
    e.embedding();
    if (this.p > 1) {
      h.forward(n, [e.array("fp")]);
      e.ghostFp();
    }
    e.force();
    if (this.qeq) this.qeq.solve(tally, this.started);
    const f = [e.array("fx"), e.array("fy"), e.array("fz")];
    h.reverse(n, tally ? [...f, e.array("eatom")] : f);
    if (!Number.isFinite(e.energy())) this.diagnose();
    if (this.qeq?.tooClose()) this.closeAtoms();
  }

  /** The atoms (caller's numbers) of the closest listed pair, for the errors below. */
  private closestAtoms(): { a: number; b: number; r: number } | null {
    const e = this.engine, pair = e.closestListedPair(), n = e.length;
    if (!pair) return null;
    const i = this.gid[pair.i], j = pair.j < n ? this.gid[pair.j] : this.importGid[pair.j - n];
    return { a: Math.min(i, j), b: Math.max(i, j), r: pair.r };
  }

  /** Streitz-Mintmire: atoms closer than the tables reach stop the run, as in the single engine. */
  private closeAtoms(): never {
    const p = this.closestAtoms();
    throw new InputError(`atoms ${p?.a} and ${p?.b} are ${p?.r.toPrecision(4)} A apart, closer than the Streitz tables reach (${STREITZ_TABLE_R0} A)`, { atom: p?.a });
  }

  private diagnose(): never {
    const p = this.closestAtoms();
    if (p && p.r < 1e-6) throw new InputError(`atoms ${p.a} and ${p.b} are ${p.r.toExponential(3)} A apart: two atoms on top of each other`, { atom: p.a });
    throw new CalculationFailed(
      `non-finite energy (${this.engine.energy()}) in domain ${this.d}${p ? `; closest pair: atoms ${p.a} and ${p.b} at ${p.r} A` : ""}`,
    );
  }

  // ---------------------------------------------------------------- rebuild

  /** Wraps and migrates atoms, exchanges imports (several domains), then ghosts and lists. */
  private rebuild(): void {
    if (this.p > 1) {
      this.migrate();
      this.exchangeImports();
    }
    this.engine.rebuildLocal();
    // A single domain wraps its atoms inside the kernel rebuild; keep nothing else in step.
    this.since = 0;
    this.builds++;
  }

  /** Wraps owned atoms into the cell, sends those outside this slab to theirs, takes in arrivals. */
  private migrate(): void {
    const e = this.engine, n = e.length, ex = this.ex, d = this.d;
    const x = e.array("x"), y = e.array("y"), z = e.array("z");
    const vx = e.array("vx"), vy = e.array("vy"), vz = e.array("vz"), im = e.array("invMass");
    const type = e.ints("type");
    const { h, g } = this.frame;
    const [pa, pb, pc] = this.pbc;
    const dest = new Int32Array(n);
    let leaving = 0;
    for (let i = 0; i < n; i++) {
      // The same arithmetic as the kernels' wrapOwned, so a single engine and the domains agree.
      const xi = x[i], yi = y[i], zi = z[i];
      const na = pa ? Math.floor(xi * g[0] + yi * g[3] + zi * g[6]) : 0;
      const nb = pb ? Math.floor(xi * g[1] + yi * g[4] + zi * g[7]) : 0;
      const nc = pc ? Math.floor(xi * g[2] + yi * g[5] + zi * g[8]) : 0;
      if (na !== 0 || nb !== 0 || nc !== 0) {
        x[i] = xi - (na * h[0] + nb * h[3] + nc * h[6]);
        y[i] = yi - (na * h[1] + nb * h[4] + nc * h[7]);
        z[i] = zi - (na * h[2] + nb * h[5] + nc * h[8]);
      }
      const s = fractional(x[i], y[i], z[i], g, this.axis);
      if (!Number.isFinite(s)) throw new CalculationFailed(`atom ${this.gid[i]} has a non-finite position (${x[i]}, ${y[i]}, ${z[i]}) A`);
      dest[i] = domainOf(s, this.bounds);
      if (dest[i] !== d) leaving++;
    }
    const carried = this.carried, rec = this.migrantRecord;
    const head = this.halo.head;
    ex.reserve(head + rec * leaving);
    const box = ex.box(d);
    let o = head;
    for (let i = 0; i < n; i++) {
      if (dest[i] === d) continue;
      let at = o + MIGRANT;
      for (const { array, per, count } of carried) {
        const a = array();
        for (let c = 0; c < count; c++) box[at++] = a[i * per + c];
      }
      box[o] = dest[i];
      box[o + 1] = this.gid[i];
      box[o + 2] = type[i];
      box[o + 3] = x[i];
      box[o + 4] = y[i];
      box[o + 5] = z[i];
      box[o + 6] = vx[i];
      box[o + 7] = vy[i];
      box[o + 8] = vz[i];
      box[o + 9] = im[i];
      o += rec;
    }
    ex.setMigrants(leaving);
    this.migrantValues = o;
    ex.barrier();
    let coming = 0;
    for (let w = 0; w < this.p; w++) {
      if (w === d) continue;
      const b = ex.box(w), m = ex.migrants(w);
      for (let r = 0; r < m; r++) if (b[head + r * rec] === d) coming++;
    }
    this.arrivals += coming;
    if (leaving === 0 && coming === 0) return;
    // Compact the staying atoms in place, then append the arrivals (in domain order).
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (dest[i] !== d) continue;
      if (k !== i) {
        this.gid[k] = this.gid[i];
        type[k] = type[i];
        x[k] = x[i];
        y[k] = y[i];
        z[k] = z[i];
        vx[k] = vx[i];
        vy[k] = vy[i];
        vz[k] = vz[i];
        im[k] = im[i];
        for (const { array, per } of carried) array().copyWithin(k * per, i * per, (i + 1) * per);
      }
      k++;
    }
    const total = k + coming;
    if (total > this.gid.length) {
      const grown = new Int32Array(Math.ceil(total * 1.05) + 64);
      grown.set(this.gid.subarray(0, k));
      this.gid = grown;
    }
    // Room for the arrivals (a relayout keeps the first `total` owned slots), then fresh views.
    e.resizeOwned(total, this.neighborsPerAtom);
    for (const c of carried) c.resize?.(total);
    const X = e.array("x"), Y = e.array("y"), Z = e.array("z");
    const VX = e.array("vx"), VY = e.array("vy"), VZ = e.array("vz"), IM = e.array("invMass");
    const TYPE = e.ints("type"), rank = e.ints("rank");
    for (let w = 0; w < this.p; w++) {
      if (w === d) continue;
      const b = ex.box(w), m = ex.migrants(w);
      const CARRIED = carried.map((c) => [c.array(), c.per, c.count] as const);
      for (let r = 0, o2 = head; r < m; r++, o2 += rec) {
        if (b[o2] !== d) continue;
        let at = o2 + MIGRANT;
        for (const [a, per, count] of CARRIED) {
          for (let c = 0; c < count; c++) a[k * per + c] = b[at++];
        }
        this.gid[k] = b[o2 + 1];
        TYPE[k] = b[o2 + 2];
        X[k] = b[o2 + 3];
        Y[k] = b[o2 + 4];
        Z[k] = b[o2 + 5];
        VX[k] = b[o2 + 6];
        VY[k] = b[o2 + 7];
        VZ[k] = b[o2 + 8];
        IM[k] = b[o2 + 9];
        k++;
      }
    }
    for (let i = 0; i < total; i++) rank[i] = i + 1;
  }

  /** Values at the start of our outbox that hold the sum slots and migrants (import records follow them). */
  private migrantValues = 0;

  /** Values per migrating atom, the engine's carried data included. */
  private get migrantRecord(): number {
    return MIGRANT + this.carried.reduce((s, c) => s + c.count, 0);
  }

  /**
   * Half shell: sends to the neighbor below every owned atom that lies within the reach above that
   * neighbor's upper face (with the image shift along the cut that puts it there), and takes in the
   * records of the neighbor above. A domain thus holds copies of the atoms across its upper face
   * only and computes the pairs across that face; those across its lower face are the lower
   * neighbor's, which sends back what it accumulated on our atoms (reverse communication).
   */
  private exchangeImports(): void {
    const e = this.engine, n = e.length, ex = this.ex, d = this.d, p = this.p;
    const x = e.array("x"), y = e.array("y"), z = e.array("z"), type = e.ints("type");
    const { h, g } = this.frame;
    const k = this.axis, hx = h[3 * k], hy = h[3 * k + 1], hz = h[3 * k + 2];
    const to = (d + p - 1) % p, from = (d + 1) % p;
    // Exact at the face: t = s + m compares with the bound as domainOf compared s.
    const face = this.bounds[to + 1], top = face + this.margin;
    const idx: number[] = [], shift: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = fractional(x[i], y[i], z[i], g, k);
      for (let m = -1; m <= 1; m++) {
        const t = s + m;
        if (t >= face && t <= top) {
          idx.push(i);
          shift.push(m);
        }
      }
    }
    const c = idx.length;
    const send: SendList = {
      to,
      count: c,
      idx: Int32Array.from(idx),
      sx: Float64Array.from(shift, (m) => m * hx),
      sy: Float64Array.from(shift, (m) => m * hy),
      sz: Float64Array.from(shift, (m) => m * hz),
      forward: 0,
    };
    let o = this.migrantValues;
    ex.reserve(o + RECORD * c);
    const out = ex.box(d);
    ex.set(to, Slot.ImportOffset, o);
    ex.set(to, Slot.ImportCount, c);
    for (let q = 0; q < c; q++, o += RECORD) {
      const i = send.idx[q];
      out[o] = this.gid[i];
      out[o + 1] = type[i];
      out[o + 2] = x[i] + send.sx[q];
      out[o + 3] = y[i] + send.sy[q];
      out[o + 4] = z[i] + send.sz[q];
    }
    this.halo.sends = [send];
    ex.barrier();
    const box = ex.box(from);
    const total = ex.get(from, d, Slot.ImportCount);
    const b: AtomBlock = {
      count: total,
      rank: new Int32Array(total).fill(TOP_RANK),
      type: new Int32Array(total),
      x: new Float64Array(total),
      y: new Float64Array(total),
      z: new Float64Array(total),
    };
    const gids = new Int32Array(total);
    for (let j = 0, r = ex.get(from, d, Slot.ImportOffset); j < total; j++, r += RECORD) {
      gids[j] = box[r];
      b.type[j] = box[r + 1];
      b.x[j] = box[r + 2];
      b.y[j] = box[r + 3];
      b.z[j] = box[r + 4];
    }
    this.importGid = gids;
    e.setImports(b);
    // Per-step sections after the records, two of each kind (halo.ts): forward (our sent atoms),
    // reverse (our imports, back).
    send.forward = o;
    ex.set(to, Slot.ForwardOffset, o);
    o += sectionValues(c);
    this.halo.runs = [{ from, start: 0, count: total, reverse: o }];
    ex.set(from, Slot.ReverseOffset, o);
    o += sectionValues(total);
    ex.reserve(o);
  }
}

/** The EAM engine of a domain, as the worker drives it. */
function eamSlab(spec: EamPotentialSpec, setup: DomainSetup): SlabEngine {
  const potential = parseEamPotential(spec.text, { fileName: spec.fileName, style: spec.style });
  return new DomainEngine(potential, setup.module, setup.variant, setup.skin).slab;
}

function emptyOwned(n: number): OwnedBlock {
  return {
    count: 0,
    rank: new Int32Array(n),
    type: new Int32Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    z: new Float64Array(n),
    vx: new Float64Array(n),
    vy: new Float64Array(n),
    vz: new Float64Array(n),
    invMass: new Float64Array(n),
  };
}
