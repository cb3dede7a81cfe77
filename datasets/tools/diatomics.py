#!/usr/bin/python3
"""Turns per-point psi4 results of a diatomic curve (the JSON files that point.py writes into
qm-work/res/NAME_idx.json) into an extended-XYZ file with the conventions of ../qm/README.md:
energy in eV relative to the two neutral atoms at the same level (../qm/atoms.json, frozen-core
CCSD(T), "ccsdt_fc"), forces = -dE/dR from a not-a-knot cubic spline through the energies (atom 2
at (0, 0, R), atom 1 at the origin), the finite-field CCSD(T) dipole, dipole-derived charges
q2 = mu_z / R.

  QMWORK=qm-work /usr/bin/python3 diatomics.py NAME OUT.extxyz [RMAX]

RMAX (A) leaves out the points beyond it: NaH's RHF-based points from 5.3 A on converged to the ionic
branch (binding energies of +1.2 to +2.1 eV where the neutral atoms' asymptote is 0), so NaH.extxyz
stops at 4.6 A.

Used for NaH and LiCl (2026-12-07): the validation curves of the pairs that the model couples by the
Olson-Smith-Bauer form (../qm/README.md, "Cross pairs").
"""
import glob, json, os, sys
import numpy as np
from scipy.interpolate import CubicSpline

HERE = os.path.dirname(os.path.abspath(__file__))
QM = os.environ.get('QMWORK', 'qm-work')
HA = 27.211386245988
BOHR = 0.529177210903
AU2D = 2.541746473


def main(name, out, rmax=np.inf):
    atoms = json.load(open(os.path.join(HERE, '..', 'qm', 'atoms.json')))['elements']
    pts = [json.load(open(f)) for f in glob.glob(f'{QM}/res/{name}_[0-9][0-9].json')]
    pts = sorted((p for p in pts if p['R'] <= rmax), key=lambda p: p['R'])
    a, b = pts[0]['a'], pts[0]['b']
    e0 = sum(atoms[x]['levels']['ccsdt_fc']['neutral']['E_hartree'] for x in (a, b))
    R = np.array([p['R'] for p in pts])
    E = np.array([(p['main']['energy'] - e0) * HA for p in pts])
    dEdR = CubicSpline(R, E, bc_type='not-a-knot')(R, 1)
    with open(out, 'w') as f:
        for p, r, e, g in zip(pts, R, E, dEdR):
            m = p['main']
            mu = m['dipole_au'] * BOHR  # e A, z component (atom 2 at +z)
            q2 = mu / r
            f.write('2\n')
            f.write('Properties=species:S:1:pos:R:3:forces:R:3:charges:R:1 '
                    f'energy={e:.15g} total_energy_hartree={m["energy"]:.15g} '
                    f'dipole="0 0 {mu:.15g}" dipole_debye="0 0 {m["dipole_au"] * AU2D:.15g}" '
                    f'method=RHF-RCCSD(T)(frozen-core) basis=aug-cc-pVTZ R={r:g} state_branch={m["branch"]} '
                    'dipole_method=finite-field_CCSD(T)_F=5e-4au forces_method=cubic-spline-derivative-of-E(R) '
                    'charges_method=dipole-derived_q=mu_z/R psi4_version=1.3.2 pbc="F F F"\n')
            f.write(f'{a} 0 0 0 0 0 {g:.15g} {-q2:.15g}\n')
            f.write(f'{b} 0 0 {r:g} 0 0 {-g:.15g} {q2:.15g}\n')
    # equilibrium: the spline minimum of E(R) and the dipole spline there (as ../qm/equilibrium.json)
    spl = CubicSpline(R, E, bc_type='not-a-knot')
    fine = np.linspace(R[max(E.argmin() - 1, 0)], R[min(E.argmin() + 1, len(R) - 1)], 20001)
    re = fine[spl(fine).argmin()]
    mu = CubicSpline(R, [abs(p['main']['dipole_au']) * AU2D for p in pts], bc_type='not-a-knot')(re)
    print(json.dumps({name: {'elements': [a, b], 'level': 'RCCSD(T)(fc)/aug-cc-pVTZ', 'Re': round(float(re), 4),
                             'De': round(float(-spl(re)), 3), 'dipoleDebye': round(float(mu), 3)}}))
    print(f'{name}: {len(pts)} points, R {R[0]:g}-{R[-1]:g} A')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else np.inf)
