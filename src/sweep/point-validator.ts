/**
 * Per-point validation of a sweep: the base arch document passes the full check once (its
 * kind's schema, calibration, magnitudes); then each point checks only the values its swept
 * pointers set, against the sub-schema at each pointer, before the model's resource checks
 * (which read the whole config and always run). This is exact when every schema node above a
 * pointer is a plain object (type/properties/additionalProperties/required and annotations):
 * such a node accepts the document with one existing or optional property replaced iff the
 * property's own schema accepts the new value. A pointer through anything else (oneOf, if/then,
 * propertyNames, arrays, keys the base lacks), a base that fails on its own, or a value that
 * fails its sub-schema falls back to the full validation (validateArch), which also gives the
 * exact message the full check gives, so results are the same bytes either way.
 */
import type { ArchConfig } from '../arch/base.ts';
import { assertCalibrationPositive, assertMagnitudes, validateArch, validateArchSchema } from '../config/load.ts';
import { compile } from '../config/ajv.ts';
import { isObject } from '../config/merge.ts';
import { getModel } from '../hw/registry.ts';
import { isAccelscopeError } from '../util/errors.ts';
import { leafCheck } from './leaf-check.ts';
import type { ResolvedSpec } from './spec.ts';

/** Schema keywords that constrain an object only through the listed property schemas. */
const PLAIN = new Set(['type', 'properties', 'additionalProperties', 'required', 'description', 'title', 'default', 'examples', '$schema', '$comment']);

/** The schema of the value at `pointer`, when every node above it is a plain object in both schema and document; else undefined. */
export function plainSubSchema(schema: object, doc: unknown, pointer: string): object | undefined {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) return undefined;
  let s = schema as Record<string, unknown>;
  let node: unknown = doc;
  for (const key of parts) {
    if (!isObject(node) || s['type'] !== 'object' || Object.keys(s).some((k) => !PLAIN.has(k))) return undefined;
    const props = s['properties'] as Record<string, unknown> | undefined;
    const next = props && Object.hasOwn(props, key) ? props[key] : undefined;
    if (!isObject(next)) return undefined; // additionalProperties schemas and unknown keys: the full check decides
    s = next;
    node = Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return s;
}

/** What the full check says of a base arch document on its own: valid, and its kind. Plain JSON (a sweep's main thread hands it to its workers). */
export interface BaseVerdict {
  valid: boolean;
  kind?: string;
}

/** The full check of a base document (its kind's schema, calibration, magnitudes). */
export function checkBase(doc: unknown): BaseVerdict {
  try {
    const a = validateArchSchema(doc);
    assertCalibrationPositive(a);
    assertMagnitudes(a, undefined);
    return { valid: true, kind: a.kind };
  } catch (e) {
    if (!isAccelscopeError(e)) throw e;
    return { valid: false };
  }
}

/** The full check's verdict on each base arch of a spec (plain JSON for the workers). */
export interface BaseVerdicts {
  single?: BaseVerdict;
  byArch?: Record<string, BaseVerdict>;
}

export function baseVerdicts(spec: Pick<ResolvedSpec, 'archDocument' | 'archDocuments'>): BaseVerdicts {
  if (spec.archDocuments) return { byArch: Object.fromEntries(Object.entries(spec.archDocuments).map(([k, d]) => [k, checkBase(d)])) };
  return spec.archDocument !== undefined ? { single: checkBase(spec.archDocument) } : {};
}

interface BaseCheck {
  /** The base passes the full check on its own. */
  valid: boolean;
  kind?: string;
  /** The sub-schema's check per swept pointer (leaf-check.ts, else ajv-compiled); undefined: that pointer needs the full check. */
  validators: Map<string, ((v: unknown) => boolean) | undefined>;
}

export class PointValidator {
  private readonly bases = new Map<unknown, BaseCheck>();
  /** Points that took the full check (a value its sub-schema rejects, or a pointer without a plain sub-schema). */
  fullChecks = 0;
  /**
   * `known`: verdicts of checkBase already reached for base documents (by object), e.g. by the
   * sweep's main thread: a worker then neither loads nor runs the full validator for them.
   */
  constructor(
    private readonly pointers: string[],
    private readonly known: Map<unknown, BaseVerdict> = new Map(),
  ) {}

  private full(doc: unknown): ArchConfig {
    this.fullChecks++;
    return validateArch(doc);
  }

  private base(doc: unknown): BaseCheck {
    let b = this.bases.get(doc);
    if (b) return b;
    const { valid, kind } = this.known.get(doc) ?? checkBase(doc);
    const validators = new Map<string, ((v: unknown) => boolean) | undefined>();
    if (valid && kind !== undefined) {
      const schema = getModel(kind).schema;
      for (const p of this.pointers) {
        const sub = p === '/kind' || p.startsWith('/calibration/') ? undefined : plainSubSchema(schema, doc, p);
        validators.set(p, sub ? (leafCheck(sub) ?? compile(sub)) : undefined);
      }
    }
    b = { valid, ...(kind !== undefined ? { kind } : {}), validators };
    this.bases.set(doc, b);
    return b;
  }

  /**
   * Validates `doc`, which is `base` with `values` set at their pointers (same object, or a
   * copy along those paths): throws exactly what validateArch(doc) throws.
   */
  validate(base: unknown, doc: unknown, values: Record<string, unknown>): ArchConfig {
    const b = this.base(base);
    if (!b.valid) return this.full(doc);
    for (const [p, v] of Object.entries(values)) {
      const check = b.validators.get(p);
      if (!check || !check(v)) return this.full(doc);
      try {
        assertMagnitudes(v, undefined, p);
      } catch {
        return this.full(doc);
      }
    }
    const arch = doc as ArchConfig;
    getModel(b.kind!).validate?.(arch);
    return arch;
  }
}
