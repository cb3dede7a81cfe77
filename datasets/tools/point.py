#!/usr/bin/python3
"""One diatomic point (or list of points) with psi4 1.3.2 (Debian).
Usage: point.py NAME idx[,idx...]   -> writes qm-work/res/NAME_idx.json
Methods:
  fci : all-electron FCI (detci), C2v, zero-field; dipole from FCI one-particle density
        (FCI energy is orbital-invariant, so unrelaxed == relaxed density).
  cc  : frozen-core CCSD(T) (ccenergy), C2v. Branch per point:
        'rhf'  RHF reference (closed-shell; ionic Li+F-/Na+Cl- for alkali halides)
        'uhfbs' UHF reference, broken-symmetry singlet found with STABILITY_ANALYSIS FOLLOW
        'trip' UHF high-spin (M_S=1) reference for the neutral-atom (covalent) pair;
               degenerate with the singlet covalent state at long range (exchange ~0).
        Dipole: finite field, mu_z = -(E(+F)-E(-F))/(2F), F=5e-4 au, CCSD(T) energies
        (= relaxed CCSD(T) dipole). Zero-field energy E0 = (E(+F)+E(-F))/2 + a_SCF F^2/2
        where a_SCF is the SCF polarizability from SCF at 0,+F,-F (residual error ~1e-6 Eh).
"""
import sys, time, json, os
sys.path.insert(0, '/usr/lib/x86_64-linux-gnu')
import psi4
AU2D = 2.541746473
mol_defs = {
 'H2':  dict(a='H', b='H', method='fci', basis='aug-cc-pvtz',
             R=[0.55,0.60,0.65,0.70,0.7414,0.78,0.83,0.90,1.0,1.1,1.25,1.4,1.6,1.8,2.1,2.5,3.0,3.6,4.5,6.0,8.0,10.0]),
 'LiH': dict(a='Li', b='H', method='fci', basis='aug-cc-pvtz',
             R=[1.20,1.30,1.40,1.50,1.5949,1.70,1.80,1.95,2.1,2.3,2.55,2.8,3.1,3.5,4.0,4.6,5.3,6.2,7.5,8.5,10.0]),
 'HF':  dict(a='H', b='F', method='cc', basis='aug-cc-pvtz', uhf_from=1.2, trip_main_from=4.0,  # BS-UHF SCF fails to converge >=4.2 A
             R=[0.69,0.75,0.80,0.85,0.9168,0.96,1.02,1.09,1.17,1.26,1.37,1.5,1.7,1.95,2.3,2.8,3.4,4.2,5.5,7.5,10.0]),
 'LiF': dict(a='Li', b='F', method='cc', basis='aug-cc-pvtz', trip_from=4.0, chain_from=6.5,
             R=[1.18,1.28,1.38,1.47,1.5639,1.65,1.75,1.87,2.0,2.2,2.45,2.8,3.3,4.0,5.0,6.0,6.6,7.2,8.0,9.0,10.0]),
 'NaH': dict(a='Na', b='H', method='cc', basis='aug-cc-pvtz', trip_from=1e9,   # frozen core: 2 active electrons -> CCSD = valence FCI
             R=[1.42,1.52,1.62,1.72,1.8874,1.98,2.08,2.2,2.35,2.55,2.8,3.1,3.5,4.0,4.6,5.3,6.2,7.2,8.5,10.0]),
 'LiCl':dict(a='Li', b='Cl', method='cc', basis='aug-cc-pvtz', trip_from=5.0, chain_from=4.5,
             R=[1.52,1.65,1.78,1.9,2.0207,2.12,2.24,2.4,2.6,2.85,3.2,3.7,4.3,5.0,6.0,7.0,7.6,8.2,9.0,10.0,11.0]),
 'NaF': dict(a='Na', b='F', method='cc', basis='aug-cc-pvtz', trip_from=1e9,   # added 2026-12-07: validation near R_e (ionic RHF branch)
             R=[1.6,1.75,1.926,2.1,2.3,2.6,3.0]),
 'NaCl':dict(a='Na', b='Cl', method='cc', basis='aug-cc-pvtz', trip_from=8.0, chain_from=4.5,
             R=[1.8,1.95,2.1,2.23,2.3609,2.48,2.62,2.8,3.0,3.3,3.7,4.2,5.0,6.0,7.0,8.0,8.8,9.4,10.0,11.0,12.0]),
}
FIELD = 5e-4
base = {'e_convergence':1e-10, 'd_convergence':1e-8, 'r_convergence':1e-9,
        'maxiter':200, 'cachelevel':0}

def geom(a, b, R, mult=1):
    return psi4.geometry(f"""
0 {mult}
{a} 0 0 0
{b} 0 0 {R}
units angstrom
no_reorient
no_com
symmetry c2v
""")

def setopts(basis, extra):
    psi4.core.clean(); psi4.core.clean_options()
    o = dict(base); o['basis'] = basis; o.update(extra); psi4.set_options(o)

def branch_opts(br, F):
    o = {'freeze_core': True}
    if br == 'rhf': o['reference'] = 'rhf'
    elif br == 'uhfbs': o.update(reference='uhf', stability_analysis='follow')
    elif br == 'trip': o['reference'] = 'uhf'
    if F != 0.0:
        o.update(perturb_h=True, perturb_with='dipole', perturb_dipole=[0.0, 0.0, F])
        # follow the zero-field state of the same branch (orbitals of the previous SCF, file 180)
        if br != 'uhfbs': o['guess'] = 'read'
    elif CHAIN[0] and br == 'rhf':
        o['guess'] = 'read'     # chain mode: start from the converged RHF of the previous (shorter) R
    return o
CHAIN = [False]

def lowdin(wfn):
    try:
        psi4.oeprop(wfn, 'LOWDIN_CHARGES', title='LOW')
        return [float(x) for x in wfn.atomic_point_charges().np]
    except Exception as ex:
        return None

RETRY = [{}, {'solver_maxiter': 400, 'solver_convergence': 1e-5},
         {'symmetry_c1': True, 'guess_mix': True, 'solver_maxiter': 400, 'solver_convergence': 1e-5}]
def robust(d, R, mult, br, F, meth):
    # UHF stability-following sometimes fails ("Roots not converged"): retry with looser
    # Davidson settings, then in C1 with GUESS_MIX + stability following.
    last = None
    for k, extra in enumerate(RETRY if br == 'uhfbs' else RETRY[:1]):
        extra = dict(extra); c1 = extra.pop('symmetry_c1', False)
        try:
            m = geom(d['a'], d['b'], R, mult)
            if c1:
                m = psi4.geometry(f"0 {mult}\n{d['a']} 0 0 0\n{d['b']} 0 0 {R}\nunits angstrom\nno_reorient\nno_com\nsymmetry c1\n")
            o = branch_opts(br, F); o.update(extra); setopts(d['basis'], o)
            e, w = psi4.energy(meth, return_wfn=True)
            RETRYLOG.append((meth, F, k))
            return e, w
        except Exception as ex:
            last = ex
            RETRYLOG.append((meth, F, k, str(ex)[:80]))
    raise last
RETRYLOG = []

def run_cc(d, R, br):
    mult = 3 if br == 'trip' else 1
    out = {'branch': br}
    # SCF at 0, +F, -F (cheap): polarizability correction, SCF dipole, Lowdin charges
    es = {}
    for F in (0.0, FIELD, -FIELD):
        e, w = robust(d, R, mult, br, F, 'scf')
        es[F] = e
        if F == 0.0:
            out['scf_energy'] = e
            out['scf_dipole_debye'] = psi4.core.variable('SCF DIPOLE Z')  # psi4 1.3 prints Debye
            out['lowdin_charges_scf'] = lowdin(w)
    a_scf = -(es[FIELD] + es[-FIELD] - 2 * es[0.0]) / FIELD**2
    out['alpha_zz_scf_au'] = a_scf
    out['scf_ff_dipole_au'] = +(es[FIELD] - es[-FIELD]) / (2 * FIELD)
    ec = {}
    for F in (FIELD, -FIELD):
        ec[F], _ = robust(d, R, mult, br, F, 'ccsd(t)')
    out['E_plusF'] = ec[FIELD]; out['E_minusF'] = ec[-FIELD]
    # psi4 1.3.2 PERTURB_DIPOLE sign: +(E(+F)-E(-F))/2F reproduces the analytic SCF dipole
    # (checked: LiF 1.5639 A, SCF analytic -2.5411 au vs SCF FF -(E+ - E-)/2F = +2.5411 au)
    mu = +(ec[FIELD] - ec[-FIELD]) / (2 * FIELD)
    out['dipole_au'] = mu
    out['energy'] = 0.5 * (ec[FIELD] + ec[-FIELD]) + 0.5 * a_scf * FIELD**2
    out['attempts'] = [list(map(str, x)) for x in RETRYLOG]; RETRYLOG.clear()
    return out

def run_fci(d, R):
    geom(d['a'], d['b'], R, 1)
    # CI residual 1e-6 (energy error ~1e-12); the global r_convergence 1e-9 is below the detci noise floor
    setopts(d['basis'], {'opdm': True, 'reference': 'rhf', 'ci_maxiter': 200, 'r_convergence': 1e-6})
    e, w = psi4.properties('fci', properties=['dipole'], return_wfn=True)
    out = {'branch': 'fci', 'energy': e,
           'dipole_au': psi4.core.variable('CI DIPOLE Z') / AU2D,
           'scf_energy': psi4.core.variable('HF TOTAL ENERGY')}
    out['lowdin_charges_fci'] = lowdin(w)
    return out

def main(name, idxs):
    nthr = int(os.environ.get('NTHR', '1'))
    psi4.set_memory('6 GB'); psi4.set_num_threads(nthr)
    d = mol_defs[name]
    for i in idxs:
        fn = f'qm-work/res/{name}_{i:02d}.json'
        if os.path.exists(fn): continue
        R = d['R'][i]
        psi4.core.set_output_file(f'qm-work/out/{name}_{i:02d}.out', False)
        t0 = time.time()
        res = {'name': name, 'idx': i, 'R': R, 'a': d['a'], 'b': d['b'], 'basis': d['basis']}
        if d['method'] == 'fci':
            res['main'] = run_fci(d, R)
        else:
            if 'uhf_from' in d:
                br = 'rhf' if R < d['uhf_from'] else ('uhfbs' if R < d.get('trip_main_from', 1e9) else 'trip')
                res['main'] = run_cc(d, R, br)
                if R >= 3.0 and R < d.get('trip_main_from', 1e9):   # singlet(BS)-triplet gap check
                    res['alt'] = run_cc(d, R, 'trip')
            else:
                res['main'] = run_cc(d, R, 'rhf')
                if R >= d['trip_from']:
                    res['alt'] = run_cc(d, R, 'trip')
        res['time_s'] = time.time() - t0
        json.dump(res, open(fn, 'w'), indent=1)
        print(name, i, R, res['main']['energy'], res['main']['dipole_au'], res.get('alt', {}).get('energy'), '%.1fs' % res['time_s'], flush=True)

if __name__ == '__main__':
    if sys.argv[1] == 'worker':   # shared task queue via O_EXCL lock files
        os.makedirs('qm-work/lock', exist_ok=True)
        tasks = [(n, i) for n in sys.argv[2].split(',') for i in range(len(mol_defs[n]['R']))]
    elif sys.argv[1] not in ('chain', 'finish'):
        tasks = [(sys.argv[1], int(x)) for x in sys.argv[2].split(',')]
    if sys.argv[1] == 'finish':
        # finish NAME idx,... : complete chain points from their .partial.json (fresh process after a failure)
        name = sys.argv[2]; d = mol_defs[name]; idxs = [int(x) for x in sys.argv[3].split(',')]
        psi4.set_memory('6 GB'); psi4.set_num_threads(int(os.environ.get('NTHR', '1')))
        for i in idxs:
            R = d['R'][i]; pf = f'qm-work/res/{name}_{i:02d}.partial.json'
            r = json.load(open(pf)) if os.path.exists(pf) else {'name': name, 'idx': i, 'R': R, 'a': d['a'], 'b': d['b'], 'basis': d['basis'], 'time_s': 0.0}
            if 'main' not in r:
                r['ionic_rhf_branch'] = 'RHF/RCCSD(T) not converged on the ionic branch (beyond the crossing)'
            psi4.core.set_output_file(f'qm-work/out/{name}_{i:02d}_finish.out', False)
            t0 = time.time(); key = 'alt' if 'main' in r else 'main'
            r[key] = run_cc(d, R, 'trip'); r['time_s'] += time.time() - t0
            print(name, i, R, key, 'trip', r[key]['energy'], r[key]['dipole_au'], flush=True)
            json.dump(r, open(f'qm-work/res/{name}_{i:02d}.json', 'w'), indent=1)
        sys.exit(0)
    if sys.argv[1] == 'chain':
        # chain NAME seedR idx,idx,... : diabatic following of the ionic RHF solution to long range
        name = sys.argv[2]; d = mol_defs[name]; seedR = float(sys.argv[3])
        idxs = [int(x) for x in sys.argv[4].split(',')]
        psi4.set_memory('6 GB'); psi4.set_num_threads(int(os.environ.get('NTHR', '1')))
        psi4.core.set_output_file(f'qm-work/out/{name}_chain_{idxs[0]:02d}.out', False)
        geom(d['a'], d['b'], seedR, 1); setopts(d['basis'], branch_opts('rhf', 0.0)); psi4.energy('scf')
        CHAIN[0] = True
        res = {}; broken = False
        for i in idxs:
            R = d['R'][i]
            # same output file for the whole chain: the file-180 orbital name depends on the output prefix
            t0 = time.time()
            res[i] = {'name': name, 'idx': i, 'R': R, 'a': d['a'], 'b': d['b'], 'basis': d['basis'], 'chain_seed_R': seedR}
            if not broken:
                try:
                    res[i]['main'] = run_cc(d, R, 'rhf')
                    print(name, i, R, 'rhf', res[i]['main']['energy'], res[i]['main']['dipole_au'], flush=True)
                except Exception as ex:
                    broken = True; RETRYLOG.clear()
                    print(name, i, R, 'rhf FAILED', str(ex)[:100], flush=True)
            if broken: res[i]['ionic_rhf_branch'] = 'RHF/RCCSD(T) not converged on the ionic branch (beyond the crossing)'
            res[i]['time_s'] = time.time() - t0
            json.dump(res[i], open(f'qm-work/res/{name}_{i:02d}.partial.json', 'w'), indent=1)
        CHAIN[0] = False
        for i in idxs:
            R = d['R'][i]
            if R >= d.get('trip_from', 1e9) or 'main' not in res[i]:
                t0 = time.time()
                key = 'alt' if 'main' in res[i] else 'main'
                res[i][key] = run_cc(d, R, 'trip'); res[i]['time_s'] += time.time() - t0
                print(name, i, R, 'trip', res[i][key]['energy'], res[i][key]['dipole_au'], flush=True)
            json.dump(res[i], open(f'qm-work/res/{name}_{i:02d}.json', 'w'), indent=1)
        sys.exit(0)
    for name, i in tasks:
        if 'trip_from' in mol_defs[name] and mol_defs[name]['R'][i] >= mol_defs[name].get('chain_from', 1e9):
            continue   # long-range points of ionic molecules are done in chain mode
        if sys.argv[1] == 'worker':
            try: os.close(os.open(f'qm-work/lock/{name}_{i:02d}', os.O_CREAT | os.O_EXCL))
            except FileExistsError: continue
        main(name, [i])

