/** Moved to src/arch/validation.ts (an arch-config section; the arch layer sits below config/). */
export * from '../arch/validation.ts';
