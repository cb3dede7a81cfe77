#!/usr/bin/python3
"""Periodic DFT of rocksalt LiF, NaCl, LiH, NaF and NaH with CP2K 2023.1 (Debian package cp2k).

Level: PBE, GTH-PBE pseudopotentials, DZVP-MOLOPT-PBE-GTH basis sets of BASIS_MOLOPT_UZH (Li q3, Na q9,
F q7, Cl q7, H q1), 500 Ry plane-wave cutoff (REL_CUTOFF 50), Monkhorst-Pack k-points of about constant
density (3x3x3 for the 8-atom cells at a ~ 4 A), no smearing (wide-gap insulators), SCF to 1e-8, energy, forces and the analytical stress.
The input follows the tested example of the project's CP2K notes (lif-rocksalt.inp).

Structures per crystal (8-atom conventional cell unless said):
  eos_XXX   rocksalt at a = a_exp * s (s from 0.92 to 1.10)
  tet_XXX   tetragonal strain of the cell at a_exp (c/a = 1 +- 0.03, volume kept)
  shear     monoclinic shear of the cell at a_exp (xy = 0.03)
  rattle_k  atoms displaced at random (normal, sigma 0.06 A, seeded) at a_exp
  b2_XXX    CsCl structure (2-atom cubic cell) at the same volume per formula unit as rocksalt at s

  python3 crystals.py run [NAME...]   runs the missing points (one JSON per point in $CP2KWORK/res)
  python3 crystals.py list            lists the points
"""
import sys, os, json, subprocess, time, re
import numpy as np

W = os.environ.get('CP2KWORK', 'cp2k-work')
HA = 27.211386245988
BOHR = 0.529177210903
# experimental static-lattice (zero-point corrected) lattice constants, A: the geometry anchor of the DFT points
A_EXP = {'LiF': 3.972, 'NaCl': 5.565, 'LiH': 3.979, 'NaF': 4.572, 'NaH': 4.80}
KIND = {
    'Li': ('DZVP-MOLOPT-PBE-GTH-q3', 'GTH-PBE-q3'),
    'Na': ('DZVP-MOLOPT-PBE-GTH-q9', 'GTH-PBE-q9'),
    'F': ('DZVP-MOLOPT-PBE-GTH-q7', 'GTH-PBE-q7'),
    'Cl': ('DZVP-MOLOPT-PBE-GTH-q7', 'GTH-PBE-q7'),
    'H': ('DZVP-MOLOPT-PBE-GTH-q1', 'GTH-PBE-q1'),
}
PAIRS = {'LiF': ('Li', 'F'), 'NaCl': ('Na', 'Cl'), 'LiH': ('Li', 'H'), 'NaF': ('Na', 'F'), 'NaH': ('Na', 'H')}


def rocksalt(m, x, a):
    frac_m = [[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5]]
    frac_x = [[.5, 0, 0], [0, .5, 0], [0, 0, .5], [.5, .5, .5]]
    return [m] * 4 + [x] * 4, np.array(frac_m + frac_x) * a, np.eye(3) * a


def cscl(m, x, a_rs):
    a = (a_rs ** 3 / 4) ** (1 / 3)  # same volume per formula unit
    return [m, x], np.array([[0, 0, 0], [a / 2, a / 2, a / 2]]), np.eye(3) * a


def points():
    out = []
    for name, (m, x) in PAIRS.items():
        a0 = A_EXP[name]
        for s in (0.94, 0.97, 1.0, 1.03, 1.06):
            sym, pos, cell = rocksalt(m, x, a0 * s)
            out.append((f'{name}_eos_{s:.2f}', sym, pos, cell))
        for t in (0.97, 1.03):
            sym, pos, cell = rocksalt(m, x, a0)
            f = np.diag([t ** -0.5, t ** -0.5, t])
            out.append((f'{name}_tet_{t:.2f}', sym, pos @ f, cell @ f))
        sym, pos, cell = rocksalt(m, x, a0)
        f = np.array([[1, 0.03, 0], [0, 1, 0], [0, 0, 1]])
        out.append((f'{name}_shear', sym, pos @ f, cell @ f))
        rng = np.random.default_rng({'LiF': 11, 'NaCl': 12, 'LiH': 13, 'NaF': 14, 'NaH': 15}[name])
        for k in range(2):
            sym, pos, cell = rocksalt(m, x, a0)
            out.append((f'{name}_rattle_{k}', sym, pos + rng.normal(0, 0.06, pos.shape), cell))
        for s in (0.97, 1.03):
            sym, pos, cell = cscl(m, x, a0 * s)
            out.append((f'{name}_b2_{s:.2f}', sym, pos, cell))
    return out


def kpoints(cell, name):
    """One fixed Monkhorst-Pack mesh per crystal and structure (no mesh jumps along an EOS): about 12 A
    of k-point length at the crystal's experimental lattice constant, rounded half up (3x3x3 for the
    8-atom cells of LiF, LiH, NaF and NaH, 2x2x2 for NaCl; these are wide-gap insulators). The mesh is
    chosen by the crystal's name, not by the nearest lattice constant, which jumped between NaF and NaH."""
    edge = np.linalg.norm(cell[0])
    a = A_EXP[name]
    if edge < 0.8 * a:  # CsCl cell (2 atoms): its edge at the same volume per formula unit
        a = a / 4 ** (1 / 3)
    n = int(12.0 / a + 0.5)
    return [n, n, n]


def cp2k_input(tag, sym, pos, cell):
    k = kpoints(cell, tag.split('_')[0])
    kinds = ''.join(f'    &KIND {e}\n      BASIS_SET {KIND[e][0]}\n      POTENTIAL {KIND[e][1]}\n    &END KIND\n'
                    for e in sorted(set(sym)))
    coords = ''.join(f'      {e} {p[0]:.10f} {p[1]:.10f} {p[2]:.10f}\n' for e, p in zip(sym, pos))
    vecs = ''.join(f'      {n} {v[0]:.10f} {v[1]:.10f} {v[2]:.10f}\n' for n, v in zip('ABC', cell))
    return f"""&GLOBAL
  PROJECT {tag}
  RUN_TYPE ENERGY_FORCE
  PRINT_LEVEL LOW
&END GLOBAL
&FORCE_EVAL
  METHOD Quickstep
  STRESS_TENSOR ANALYTICAL
  &DFT
    BASIS_SET_FILE_NAME BASIS_MOLOPT_UZH
    POTENTIAL_FILE_NAME GTH_POTENTIALS
    &MGRID
      CUTOFF 500
      REL_CUTOFF 50
    &END MGRID
    &KPOINTS
      SCHEME MONKHORST-PACK {k[0]} {k[1]} {k[2]}
    &END KPOINTS
    &SCF
      EPS_SCF 1.0E-8
      MAX_SCF 100
      &MIXING
        METHOD BROYDEN_MIXING
        ALPHA 0.3
      &END MIXING
    &END SCF
    &XC
      &XC_FUNCTIONAL PBE
      &END XC_FUNCTIONAL
    &END XC
  &END DFT
  &SUBSYS
    &CELL
{vecs}    &END CELL
    &COORD
{coords}    &END COORD
{kinds}  &END SUBSYS
  &PRINT
    &FORCES ON
    &END FORCES
    &STRESS_TENSOR ON
    &END STRESS_TENSOR
  &END PRINT
&END FORCE_EVAL
"""


def parse(out, n):
    t = open(out).read()
    e = float(re.findall(r'ENERGY\| Total FORCE_EVAL.*?:\s+(-?\d+\.\d+)', t)[-1])
    blk = t[t.rindex('ATOMIC FORCES in [a.u.]'):]
    f = []
    for line in blk.splitlines()[3:3 + n]:
        f.append([float(v) for v in line.split()[3:6]])
    sblk = t[t.rindex('STRESS| Analytical stress tensor [GPa]'):].splitlines()
    s = [[float(v) for v in sblk[k].split()[2:5]] for k in (2, 3, 4)]
    return e, f, s


def run(tag, sym, pos, cell):
    fn = f'{W}/res/{tag}.json'
    if os.path.exists(fn):
        return
    d = f'{W}/run/{tag}'
    os.makedirs(d, exist_ok=True)
    try:  # two runners may share the work: each point is claimed once
        os.close(os.open(f'{d}/claimed', os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    open(f'{d}/in.inp', 'w').write(cp2k_input(tag, sym, pos, cell))
    t = time.time()
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get('NTHR', '1'))
    subprocess.run(['cp2k', '-i', 'in.inp', '-o', 'out.log'], cwd=d, env=env, check=True)
    e, f, s = parse(f'{d}/out.log', len(sym))
    res = dict(tag=tag, symbols=sym, positions=np.asarray(pos).tolist(), cell=np.asarray(cell).tolist(),
               energy_hartree=e, forces_hartree_per_bohr=f, stress_gpa_cp2k=s, kpoints=kpoints(cell, tag.split('_')[0]),
               time_s=time.time() - t, code='CP2K 2023.1 (Debian)',
               method='PBE, GTH-PBE pseudopotentials, DZVP-MOLOPT-PBE-GTH (BASIS_MOLOPT_UZH), 500 Ry')
    tmp = fn + '.tmp'
    json.dump(res, open(tmp, 'w'), indent=1)
    os.replace(tmp, fn)
    print(tag, e, f'{res["time_s"]:.0f}s', flush=True)


if __name__ == '__main__':
    os.makedirs(f'{W}/res', exist_ok=True)
    pts = points()
    if sys.argv[1] == 'list':
        for p in pts:
            print(p[0], len(p[1]), kpoints(p[3], p[0].split('_')[0]))
    else:
        want = sys.argv[2:]
        for p in pts:
            if not want or any(p[0].startswith(w) for w in want):
                run(*p)
