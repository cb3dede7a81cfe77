// Unit conversions for reporting properties (CODATA 2018: e = 1.602176634e-19 C).

/** 1 eV/A^3 in GPa. */
export const EV_PER_A3_IN_GPA = 160.21766208;
/** 1 eV/A^3 in bar (1 GPa = 1e4 bar). */
export const EV_PER_A3_IN_BAR = EV_PER_A3_IN_GPA * 1e4;
/** 1 eV/A^2 in J/m^2. */
export const EV_PER_A2_IN_J_PER_M2 = 16.021766208;
