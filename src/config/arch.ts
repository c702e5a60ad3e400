/**
 * Moved to src/arch/base.ts (the arch layer sits below hw/ and config/, so neither imports the
 * other's files in a cycle). This re-export keeps old import paths compiling; new code imports
 * from '../arch/base.ts'.
 */
export * from '../arch/base.ts';
