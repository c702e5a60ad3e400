/**
 * The engine's one evaluation path: outside src/engine/ nothing imports the engine's evaluating
 * functions (`run`, `createEvaluator`, `simulateGenerate`) as values — op, simulate, generate,
 * quant, sweep, serve, parallel/ and the explorer go through engine/evaluate.ts (evaluateOp,
 * evaluateGraph, evaluateRequest, opEvaluator). Types from engine/run.ts stay importable.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers.ts';

const EVALUATORS: Record<string, string[]> = {
  'engine/run.ts': ['run', 'createEvaluator'],
  'engine/generate.ts': ['simulateGenerate'],
};

/** Value (not type-only) names a source file imports from modules whose path ends with `suffix`. */
export function valueImports(source: string, suffix: string): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.endsWith(suffix)) continue;
    const clause = st.importClause;
    if (!clause || clause.isTypeOnly) continue;
    if (clause.name) names.push('default');
    const b = clause.namedBindings;
    if (b && ts.isNamespaceImport(b)) names.push('*');
    if (b && ts.isNamedImports(b)) for (const e of b.elements) if (!e.isTypeOnly) names.push((e.propertyName ?? e.name).text);
  }
  return names;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('one evaluation path', () => {
  it('valueImports tells value imports from type-only ones', () => {
    const src = `import type { run } from '../engine/run.ts';\nimport { type RunResult, run as go, createEvaluator } from '../engine/run.ts';\nimport * as all from './engine/run.ts';\nimport { run } from '../other.ts';`;
    expect(valueImports(src, 'engine/run.ts')).toEqual(['run', 'createEvaluator', '*']);
  });

  it('no file outside src/engine/ imports run, createEvaluator or simulateGenerate', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      const rel = relative(join(ROOT, 'src'), file).replaceAll('\\', '/');
      if (rel.startsWith('engine/')) continue;
      const text = readFileSync(file, 'utf8');
      for (const [mod, banned] of Object.entries(EVALUATORS)) {
        for (const name of valueImports(text, mod)) if (name === '*' || banned.includes(name)) offenders.push(`${rel}: ${name} from ${mod}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
