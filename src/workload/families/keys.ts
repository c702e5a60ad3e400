/** Typed reads of config.json keys; every failure names the file and JSON pointer. */
import { AccelscopeError } from '../../util/errors.ts';

export type Json = Record<string, unknown>;

/**
 * Bounds checked at load, before a graph is built (docs/workload.md): layers become ops one by
 * one, so their count is what a config could blow up; every other integer is bounded so that
 * products of sizes stay exact in float64. The largest published models are far inside them
 * (Llama 3.1 405B: 126 layers, hidden 16384, vocab 128256; DeepSeek-V3: 256 routed experts).
 */
export const MAX_MODEL_LAYERS = 4096;
export const MAX_MODEL_INT = 2 ** 31;
export const MAX_MODEL_EXPERTS = 4096;

export class KeyReader {
  /** `prefix` is the JSON pointer of the object read (Gemma 3 reads '/text_config'). */
  constructor(
    private readonly c: Json,
    readonly file?: string,
    private readonly prefix = '',
  ) {}
  fail(pointer: string, message: string): never {
    throw new AccelscopeError('schema', message, { file: this.file, pointer: this.prefix + pointer });
  }
  has(key: string): boolean {
    return Object.hasOwn(this.c, key) && this.c[key] !== undefined && this.c[key] !== null;
  }
  raw(key: string): unknown {
    return Object.hasOwn(this.c, key) ? this.c[key] : undefined;
  }
  /** A layer count: an integer ≤ MAX_MODEL_LAYERS (each layer becomes ops). */
  layers(key: string): number {
    const n = this.int(key);
    if (n > MAX_MODEL_LAYERS) this.fail(`/${key}`, `must be ≤ ${MAX_MODEL_LAYERS} (the bound accelscope checks at load, before building one op per layer)`);
    return n;
  }
  /** hidden / heads, which must be a whole number when the config gives no head_dim. */
  headDim(hidden: number, heads: number, pointer: string): number {
    if (hidden % heads !== 0)
      this.fail(pointer, `must divide the hidden size (${hidden}) when the config gives no head_dim (${hidden}/${heads} is not a whole head)`);
    return hidden / heads;
  }
  /** `head_dim` when the config gives it, else hidden / heads (which must divide). */
  headDimOr(hidden: number, heads: number, headsKey = 'num_attention_heads'): number {
    return this.has('head_dim') ? this.int('head_dim') : this.headDim(hidden, heads, `/${headsKey}`);
  }
  /**
   * Routed experts and the experts each token picks: at most MAX_MODEL_EXPERTS, and top-k at most
   * the expert count. `count` is the expert count already read from `numKey`.
   */
  topK(count: number, numKey: string, topKKey = 'num_experts_per_tok'): number {
    if (count > MAX_MODEL_EXPERTS) this.fail(`/${numKey}`, `must be ≤ ${MAX_MODEL_EXPERTS} (the bound accelscope checks at load)`);
    const k = this.int(topKKey);
    if (k > count) this.fail(`/${topKKey}`, `must be ≤ ${numKey} (${count}): a token cannot pick more experts than there are`);
    return k;
  }
  str(key: string): string {
    if (!this.has(key)) this.fail('', `must have required property '${key}'`);
    const v = this.c[key];
    if (typeof v !== 'string') this.fail(`/${key}`, 'must be string');
    return v;
  }
  strOr(key: string, dflt: string): string {
    return this.has(key) ? this.str(key) : dflt;
  }
  int(key: string): number {
    if (!this.has(key)) this.fail('', `must have required property '${key}'`);
    const v = this.c[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`/${key}`, 'must be integer');
    if (v <= 0) this.fail(`/${key}`, 'must be > 0');
    if (v > MAX_MODEL_INT) this.fail(`/${key}`, 'must be ≤ 2^31 (the bound accelscope checks at load)');
    return v;
  }
  intOr(key: string, dflt: number): number {
    return this.has(key) ? this.int(key) : dflt;
  }
  /** A non-negative integer (0 allowed), e.g. first_k_dense_replace. */
  countOr(key: string, dflt: number): number {
    if (!this.has(key)) return dflt;
    const v = this.c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(`/${key}`, 'must be a non-negative integer');
    if (v > MAX_MODEL_INT) this.fail(`/${key}`, 'must be ≤ 2^31 (the bound accelscope checks at load)');
    return v;
  }
  optionalInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined;
  }
  numOr(key: string, dflt: number): number {
    if (!this.has(key)) return dflt;
    const v = this.c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(`/${key}`, 'must be a non-negative number');
    return v;
  }
  boolOr(key: string, dflt: boolean): boolean {
    if (!this.has(key)) return dflt;
    const v = this.c[key];
    if (typeof v !== 'boolean') this.fail(`/${key}`, 'must be boolean');
    return v;
  }
  /** Query heads and the K/V heads that must divide them (`num_key_value_heads`, Falcon's `num_kv_heads`). */
  heads(kvKey = 'num_key_value_heads', kvDefault?: number): { heads: number; kvHeads: number } {
    const heads = this.int('num_attention_heads');
    const kvHeads = kvDefault !== undefined ? kvDefault : this.intOr(kvKey, heads);
    if (heads % kvHeads !== 0) this.fail(`/${kvKey}`, `must divide num_attention_heads (${heads})`);
    return { heads, kvHeads };
  }
  /** An array of strings (gpt-oss / Gemma 3 `layer_types`), or undefined. */
  strArray(key: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.c[key];
    if (!Array.isArray(v)) this.fail(`/${key}`, 'must be array');
    v.forEach((x, i) => {
      if (typeof x !== 'string') this.fail(`/${key}/${i}`, 'must be string');
    });
    return v as string[];
  }
  /** An array of non-negative integers (`mlp_only_layers`, `no_rope_layers`), or undefined. */
  intArray(key: string): number[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.c[key];
    if (!Array.isArray(v)) this.fail(`/${key}`, 'must be array');
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) this.fail(`/${key}/${i}`, 'must be a non-negative integer');
      if (x > MAX_MODEL_INT) this.fail(`/${key}/${i}`, 'must be ≤ 2^31 (the bound accelscope checks at load)');
    });
    return v as number[];
  }
  /** A nested object (Gemma 3's text_config) read with its pointer prefix. */
  sub(key: string): KeyReader {
    const v = this.raw(key);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`/${key}`, 'must be object');
    return new KeyReader(v as Json, this.file, `${this.prefix}/${key}`);
  }
  /** The layer-type list must have one entry per layer. */
  layerList<T>(key: string, list: T[] | undefined, layers: number): T[] | undefined {
    if (list !== undefined && list.length !== layers) this.fail(`/${key}`, `must have num_hidden_layers (${layers}) entries (has ${list.length})`);
    return list;
  }
}

/** The activation named by `hidden_act` / `hidden_activation` / `activation`. */
export function activationOf(name: string): 'silu' | 'gelu' | 'relu' {
  return name === 'relu2' || name === 'relu' ? 'relu' : name.startsWith('gelu') ? 'gelu' : 'silu';
}
