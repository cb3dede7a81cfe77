#!/usr/bin/python3
"""Alkali-halide clusters with psi4 1.3.2 (Debian package psi4, run with Debian /usr/bin/python3).

Written for this project in the conventions of the diatomic curves in ../qm (same basis, same frozen
core, same atom reference energies), so that cluster energies and curve energies are on one scale.

  opt NAME      DF-MP2(fc)/aug-cc-pVTZ geometry optimization of a cluster (symmetry kept):
                rhombus (LiF)2, (NaCl)2 (D2h), cube (NaCl)4 (Td); writes res/NAME_opt.json.
  cc  NAME      RHF-RCCSD(T)(fc)/aug-cc-pVTZ single points (conventional integrals) at the optimized
                geometry and at distortions of it, plus the DF-MP2(fc) analytic gradient at each
                geometry (forces are MP2, energies CCSD(T)); writes res/NAME_kk.json.
  mp2 NAME      DF-MP2(fc) energies + gradients only (for clusters too large for CCSD(T): (NaCl)4).
  mono M        the monomer at the same levels (CCSD(T) single point at the curve's R_e and
                DF-MP2 optimized) for dimerization energies.

Frozen core as in ../qm: Li 1s, F 1s, Na 1s2s2p, Cl 1s2s2p. Every point writes one JSON file, so an
interrupted run resumes where it stopped. Work directory: $QMWORK (default ./qm-work) with res/ and out/.
"""
import sys, json, time, os
import numpy as np
sys.path.insert(0, '/usr/lib/x86_64-linux-gnu')
import psi4

W = os.environ.get('QMWORK', 'qm-work')
psi4.set_memory(os.environ.get('QMMEM', '8 GB'))
psi4.set_num_threads(int(os.environ.get('NTHR', '1')))
psi4.core.IOManager.shared_object().set_default_path(os.environ.get('QMSCRATCH', '/tmp'))
BASE = {'basis': 'aug-cc-pvtz', 'freeze_core': True, 'e_convergence': 1e-10, 'd_convergence': 1e-8,
        'r_convergence': 1e-9, 'maxiter': 200, 'reference': 'rhf'}
RE = {'LiF': 1.5910, 'NaCl': 2.4123}  # CCSD(T)(fc) minimum of the ../qm curves (equilibrium.json)


def geometry(symbols, xyz, sym=None, free=False):
    lines = ['0 1'] + [f'{s} {x:.10f} {y:.10f} {z:.10f}' for s, (x, y, z) in zip(symbols, xyz)]
    lines.append('units angstrom')
    if not free:
        lines += ['no_reorient', 'no_com']
    if sym:
        lines.append(f'symmetry {sym}')
    return psi4.geometry('\n'.join(lines))


def opts(extra=None):
    psi4.core.clean(); psi4.core.clean_options()
    o = dict(BASE)
    o.update(extra or {})
    psi4.set_options(o)


def rhombus(m, x, dmm, dxx):
    """(MX)2 rhombus in the xy plane: metals on x, halides on y, diagonals dmm, dxx (A)."""
    return [m, m, x, x], np.array([[-dmm / 2, 0, 0], [dmm / 2, 0, 0], [0, -dxx / 2, 0], [0, dxx / 2, 0]])


def cube(m, x, edge):
    """(MX)4 cube of edge `edge` (A), alternating metal and halide corners (Td)."""
    s, xyz = [], []
    for i in (0, 1):
        for j in (0, 1):
            for k in (0, 1):
                s.append(m if (i + j + k) % 2 == 0 else x)
                xyz.append([(i - 0.5) * edge, (j - 0.5) * edge, (k - 0.5) * edge])
    return s, np.array(xyz)


CLUSTERS = {
    'LiF2': dict(kind='rhombus', m='Li', x='F', guess=(2.30, 3.30)),
    'NaCl2': dict(kind='rhombus', m='Na', x='Cl', guess=(3.40, 4.30)),
    'NaCl4': dict(kind='cube', m='Na', x='Cl', guess=2.65),
}


def dump(fn, res):
    tmp = fn + '.tmp'
    json.dump(res, open(tmp, 'w'), indent=1)
    os.replace(tmp, fn)


def optimize(name):
    fn = f'{W}/res/{name}_opt.json'
    if os.path.exists(fn):
        return json.load(open(fn))
    c = CLUSTERS[name]
    psi4.core.set_output_file(f'{W}/out/{name}_opt.out', False)
    if c['kind'] == 'rhombus':
        s, xyz = rhombus(c['m'], c['x'], *c['guess'])
    else:
        s, xyz = cube(c['m'], c['x'], c['guess'])
    mol = geometry(s, xyz, free=True)
    opts({'scf_type': 'df', 'mp2_type': 'df', 'g_convergence': 'gau_tight', 'geom_maxiter': 60})
    t = time.time()
    e = psi4.optimize('mp2', molecule=mol)
    xyz = mol.geometry().np * psi4.constants.bohr2angstroms
    res = dict(name=name, symbols=s, xyz=xyz.tolist(), mp2_energy=float(e), time_s=time.time() - t,
               method='DF-MP2(fc)/aug-cc-pVTZ optimization', psi4_version=psi4.__version__)
    dump(fn, res)
    print(name, 'opt', e, f'{time.time() - t:.0f}s', flush=True)
    return res


def point(tag, symbols, xyz, do_cc=True):
    fn = f'{W}/res/{tag}.json'
    if os.path.exists(fn):
        return
    psi4.core.set_output_file(f'{W}/out/{tag}.out', False)
    t = time.time()
    res = dict(tag=tag, symbols=symbols, xyz=np.asarray(xyz).tolist(), basis='aug-cc-pVTZ', psi4_version=psi4.__version__)
    mol = geometry(symbols, xyz)
    opts({'scf_type': 'df', 'mp2_type': 'df'})
    g, wfn = psi4.gradient('mp2', molecule=mol, return_wfn=True)
    res['mp2_energy'] = float(wfn.energy())
    res['mp2_gradient_hartree_per_bohr'] = g.np.tolist()
    if do_cc:
        mol = geometry(symbols, xyz)
        opts({'scf_type': 'pk'})
        res['ccsdt_energy'] = float(psi4.energy('ccsd(t)', molecule=mol))
        res['ccsd_energy'] = float(psi4.core.variable('CCSD TOTAL ENERGY'))
        res['scf_energy'] = float(psi4.core.variable('SCF TOTAL ENERGY'))
    res['time_s'] = time.time() - t
    dump(fn, res)
    print(tag, res.get('ccsdt_energy'), res['mp2_energy'], f"{res['time_s']:.0f}s", flush=True)


def distortions(name, opt):
    """The optimized geometry and a few distortions (energies for the fit, forces from MP2)."""
    s = opt['symbols']
    xyz = np.array(opt['xyz'])
    out = [('eq', xyz)]
    out.append(('s093', xyz * 0.93))
    out.append(('s108', xyz * 1.08))
    if CLUSTERS[name]['kind'] == 'rhombus':
        sq = xyz.copy(); sq[:2] *= 1.10; sq[2:] *= 0.92          # squeeze the halide diagonal
        out.append(('squeeze', sq))
        fold = xyz.copy(); fold[2:, 2] += 0.4 * np.array([1, 1])  # butterfly: both halides out of plane
        out.append(('fold', fold))
        # two antiparallel monomers at the curve's R_e, 1.3x and 1.8x the rhombus' M-M distance apart
        m, x = CLUSTERS[name]['m'], CLUSTERS[name]['x']
        re = RE[m + x]
        for k, f in ((1, 1.3), (2, 1.8)):
            d = f * np.linalg.norm(xyz[1] - xyz[0])
            out.append((f'apart{k}', np.array([[0, 0, 0], [re, d, 0], [re, 0, 0], [0, d, 0]])))
    else:
        rng = np.random.default_rng(2026)
        out.append(('rattle', xyz + rng.normal(0, 0.08, xyz.shape)))
    return s, out


def mono(mx):
    m, x = (('Li', 'F') if mx == 'LiF' else ('Na', 'Cl'))
    point(f'{mx}_mono_ccre', [m, x], np.array([[0, 0, 0], [0, 0, RE[mx]]]))


if __name__ == '__main__':
    what, name = sys.argv[1], sys.argv[2]
    if what == 'opt':
        optimize(name)
    elif what in ('cc', 'mp2'):
        opt = optimize(name)
        s, frames = distortions(name, opt)
        for tag, xyz in frames:
            point(f'{name}_{tag}', s, xyz, do_cc=(what == 'cc'))
    elif what == 'mono':
        mono(name)
