/**
 * Bond transfer (models with `"transfer": "bond"`, src/ect/transfer/) on the ECT kernels: the
 * kernels' mean field and neighbor list as the bond-transfer solver reads them, the solve with its
 * final force pass, the bond and induction forces, and energies at given latent variables for fits
 * and tests. It sees the engine through `EctKernelPort` (kernel-port.ts); `EctEngine` owns one for
 * such models and keeps the energy terms it reports here.
 */
import { bondForces } from "./transfer/bonds.js";
import { screeningForces } from "./transfer/screening.js";
import type { NeighborView } from "./transfer/bond-list.js";
import type { BondSolverOptions, BondTransfer } from "./transfer/bond-transfer.js";
import type { Polarization } from "./transfer/polarization.js";
import { transferEnergy, TransferWork, weightsFromVariables, type MeanFieldSystem } from "./transfer/transfer-energy.js";
import type { EctKernelPort } from "./kernel-port.js";
import type { SolverReport } from "./ensemble-solver.js";
import { MAX_STATES } from "./table-layout.js";

export class BondKernels {
  /** Energy of the bond terms at the last solve (eV). */
  eBonds = 0;
  /** Induction energy of the last mean-field evaluation (eV). */
  ePol = 0;
  /** Kernel evaluations of the current solve. */
  private spent = 0;
  /** dE/dh of each bond at the last force pass (screened models; reused from step to step). */
  private dEdh = new Float64Array(0);
  /** Whether the mean field's last evaluation computed the pair forces (epsForces on). */
  private lastWithForces = false;
  /**
   * After a shadow step (extended-Lagrangian method "shadow"): per atom (eV), the energy's linear
   * term that the mean field, evaluated at the auxiliary amplitudes, lacks; else null.
   */
  private linear: Float64Array | null = null;

  constructor(
    private readonly k: EctKernelPort,
    readonly bond: BondTransfer,
    readonly polarization: Polarization | null,
  ) {}

  /** True when a solve has collected the bonds (the variables of {@link energyAt} are defined). */
  get solved(): boolean {
    return this.bond.bonds !== null;
  }

  /** The kernels' mean field as the bond-transfer solver sees it: E_MF(w) and eps = dE_MF/dw. */
  private meanField(): MeanFieldSystem {
    const size = this.k.n * MAX_STATES;
    return {
      atoms: this.k.n,
      energy: (w, eps, forces = false) => {
        this.spent++;
        this.k.set("epsForces", forces ? 1 : 0);
        this.lastWithForces = forces;
        this.k.f64("weights").set(w.subarray(0, size));
        this.k.evaluate();
        eps.set(this.k.f64("eps").subarray(0, size));
        this.ePol = this.polarization ? this.polarization.energy(w, eps) : 0;
        return this.k.get("eOnsite") + this.k.get("ePair") + this.k.get("eLong") + this.ePol;
      },
    };
  }

  /** The neighbor list as bond transfer reads it. */
  private neighborView(): NeighborView {
    return {
      n: this.k.n,
      type: this.k.i32("type"),
      x: this.k.f64("x"),
      y: this.k.f64("y"),
      z: this.k.f64("z"),
      ghostOwner: this.k.i32("ghostOwner"),
      ghostShift: this.k.f64("ghostShift"),
      numNeigh: this.k.i32("numNeigh"),
      firstNeigh: this.k.i32("firstNeigh"),
      neigh: this.k.i32("neigh"),
    };
  }

  /** Bonds (and induction sites) from the current neighbor list. */
  private collect(): void {
    const view = this.neighborView();
    this.bond.collect(view, this.k.get("builds"), this.k.get("skin"));
    this.polarization?.collect(view, this.k.get("builds"), this.k.get("skin"));
  }

  /**
   * Collects the bonds, minimizes over the channels with `settings`, and evaluates the kernels once
   * more with pair forces on at the solution. Reports the kernel evaluations and the gradient norm.
   */
  solve(settings: BondSolverOptions): SolverReport {
    const bond = this.bond;
    this.spent = 0;
    this.k.set("epsForces", 0);
    this.collect();
    // (after the collect, which may grow the memory: views taken before it are stale)
    const types = this.k.i32("type");
    this.lastWithForces = false;
    const report = bond.solve(this.meanField(), types, settings);
    this.linear = report.linear ?? null;
    // Once more with pair forces on, at the weights the solver kept (the kernels hold them), unless
    // the solver's last evaluation there already had them.
    if (!this.lastWithForces) {
      this.k.set("epsForces", 1);
      this.spent++;
      this.k.evaluate();
    }
    this.eBonds = report.energy - (this.k.get("eOnsite") + this.k.get("ePair") + this.k.get("eLong") + this.ePol);
    return { iterations: this.spent, residual: report.gradient, mu: 0 };
  }

  /**
   * Energy E (eV) at latent variables `x` (the layout of `bond.x`) at the current positions and the
   * bonds of the last solve, without solving; `grad` receives dE/dx. The solved state is restored
   * afterwards. Needs a solve first ({@link solved}).
   */
  energyAt(x: Float64Array, grad: Float64Array): number {
    const bond = this.bond;
    const forces = this.k.get("epsForces");
    this.k.set("epsForces", 0);
    try {
      return transferEnergy(bond.problem(), this.meanField(), x, grad, new TransferWork(this.k.n, bond.bonds!.count));
    } finally {
      this.k.set("epsForces", forces);
      this.k.f64("weights").set(weightsOf(bond));
      this.k.evaluate();
      this.k.invalidateForces();
    }
  }

  /**
   * E (eV) at the current positions and neighbor list with the latent variables of the warm start
   * (`bond.x`), without minimizing: the bonds are collected again, nothing is solved.
   */
  energyAtState(): number {
    const bond = this.bond;
    this.k.set("epsForces", 0);
    this.collect();
    const e = transferEnergy(bond.problem(), this.meanField(), bond.x, new Float64Array(bond.x.length), new TransferWork(this.k.n, bond.bonds!.count));
    this.k.invalidateForces();
    return e;
  }

  /** Adds the bond terms' forces (and, when tallied, their virial and per-atom energies); sets the context's energy. */
  addForces(tally: boolean): void {
    const bond = this.bond;
    const { forward, reverse } = bond.amplitudes();
    const virial = new Float64Array(6);
    const fx = this.k.f64("fx"), fy = this.k.f64("fy"), fz = this.k.f64("fz");
    const b = bond.bonds!, screening = bond.tables.bond?.screening ?? null;
    if (screening && b.around && this.dEdh.length < b.count) this.dEdh = new Float64Array(b.i.length);
    const dEdh = screening && b.around ? this.dEdh : undefined;
    this.eBonds = bondForces(b, forward, reverse, bond.neutralWeights(), fx, fy, fz, virial, tally ? this.k.f64("eatom") : undefined, dEdh);
    if (this.linear) this.eBonds += this.shadowTail(tally);
    // The screening factors depend on the positions of the screening atoms too.
    if (dEdh) screeningForces(b, b.around!, this.neighborView(), screening!, dEdh, fx, fy, fz, virial);
    // The last mean-field evaluation was at the solution: its fields are the induction's.
    this.polarization?.forces(fx, fy, fz, virial, tally ? this.k.f64("eatom") : undefined);
    if (tally) {
      (["vxx", "vyy", "vzz", "vyz", "vxz", "vxy"] as const).forEach((f, k) => this.k.set(f, this.k.get(f) + virial[k]));
    }
    this.k.set("energy", this.k.energy());
  }

  /**
   * After a shadow step, whose only evaluation was at the auxiliary amplitudes: the kernels' weights
   * and charges set to the answer's (what the engine reports; energies and forces stay those of the
   * evaluation), the linear term added to the per-atom energies when tallied. Returns its sum (eV).
   */
  private shadowTail(tally: boolean): number {
    const linear = this.linear!, n = this.k.n;
    this.k.f64("weights").set(this.bond.weightRows().subarray(0, n * MAX_STATES));
    this.k.charges();
    const eatom = tally ? this.k.f64("eatom") : null;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += linear[i];
      if (eatom) eatom[i] += linear[i];
    }
    return sum;
  }
}

/** The slot weights (atoms x MAX_STATES) of a bond-transfer solution. */
function weightsOf(bond: BondTransfer): Float64Array {
  const w = new TransferWork(bond.roles!.neutral.length, bond.bonds!.count);
  weightsFromVariables(bond.problem(), bond.x, w);
  return w.w;
}
