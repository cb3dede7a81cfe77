#!/usr/bin/python3
"""No longer applied to the shipped model: since docs/fitting.md step 16 (2026-12-07) Na-F is fitted to the NaF
curve and rock-salt NaF (stage NaF). Kept as the record of how step 13's prediction was made.

The Na-F overlap repulsion of the shipped model, not fitted: the four-ion cycle
    phi_NaF(r) = phi_NaCl(r) phi_LiF(r) / phi_LiCl(r),
which holds exactly when each ion contributes an additive size to ln phi (Born-Mayer-Huggins /
Tosi-Fumi repulsions A exp((sigma_i + sigma_j - r) / rho)), written back as two exponentials
A exp(-r/rho) + A2 exp(-r/rho2) fitted to ln phi on 1.5-4 A (the fluoride's neighbour distances).
Run after the NaCl, LiF and LiCl stages (docs/fitting.md, step 13):

  /usr/bin/python3 scripts/cycle-repulsion.py models/ect-fitted.json

Needs numpy and scipy (Debian python3-scipy); the model file is rewritten in place.
"""
import json, sys
import numpy as np
from scipy.optimize import least_squares


def phi(spec, r):
    v = spec['A'] * np.exp(-r / spec['rho'])
    if 'A2' in spec:
        v = v + spec['A2'] * np.exp(-r / spec['rho2'])
    return v


def main(path):
    model = json.load(open(path))
    pairs = model['pairs']
    r = np.linspace(1.5, 4.0, 60)
    target = np.log(phi(pairs['Na-Cl'], r)) + np.log(phi(pairs['Li-F'], r)) - np.log(phi(pairs['Li-Cl'], r))

    def residual(p):
        return np.log(np.exp(p[0] - r / p[1]) + np.exp(p[2] - r / p[3])) - target

    fit = least_squares(residual, [8, 0.22, 3, 0.45], bounds=([-5, 0.1, -10, 0.15], [15, 0.4, 10, 1.0]))
    p = fit.x
    pairs['Na-F'] = {
        'form': 'born-mayer', 'A': float(np.exp(p[0])), 'rho': float(p[1]), 'A2': float(np.exp(p[2])), 'rho2': float(p[3]),
        'comment': 'not fitted: the four-ion cycle phi_NaF = phi_NaCl phi_LiF / phi_LiCl (additive ion sizes), as two '
                   f'exponentials on 1.5-4 A (largest error of ln phi {abs(fit.fun).max():.3f}; scripts/cycle-repulsion.py)'}
    with open(path, 'w') as f:
        json.dump(model, f, indent=1)
        f.write('\n')
    print('Na-F', pairs['Na-F'])


if __name__ == '__main__':
    main(sys.argv[1])
