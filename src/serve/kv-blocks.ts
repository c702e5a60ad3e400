/**
 * The paged KV cache (vLLM's block manager): the cache is a pool of fixed-size blocks of
 * `blockTokens` tokens; a sequence whose cache holds L tokens holds ⌈L / blockTokens⌉ blocks.
 * With prefix caching, the full blocks of a shared prompt prefix are kept by content (prefix id,
 * block index), reference-counted, and survive their last user as evictable cache (least
 * recently used evicted first) until a block is needed.
 */
export class BlockPool {
  /** Blocks held only by one sequence. */
  private privateBlocks = 0;
  /** Shared prefix blocks by key `prefixId:index`, with their reference counts (Map order = LRU for ref 0). */
  private readonly shared = new Map<string, number>();
  private evictableCount = 0;
  /** Prefix blocks evicted so far (for the report). */
  evictions = 0;

  constructor(
    readonly totalBlocks: number,
    readonly blockTokens: number,
  ) {
    if (!Number.isInteger(totalBlocks) || totalBlocks < 1) throw new Error(`block pool needs ≥ 1 block (got ${totalBlocks})`);
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockTokens);
  }

  /** Blocks in use by sequences (evictable cached blocks not counted). */
  get used(): number {
    return this.privateBlocks + this.shared.size - this.evictableCount;
  }

  /** Blocks a sequence can get now: free ones plus evictable cached ones. */
  get available(): number {
    return this.totalBlocks - this.used;
  }

  /** Takes n private blocks (evicting cached prefix blocks as needed); false, and nothing taken, when there are fewer. */
  alloc(n: number): boolean {
    if (n <= 0) return true;
    if (n > this.available) return false;
    this.evictFor(n);
    this.privateBlocks += n;
    return true;
  }

  release(n: number): void {
    this.privateBlocks -= n;
    if (this.privateBlocks < 0) throw new Error('block pool: released more blocks than held');
  }

  /** Leading blocks of a prefix already resident (a cache hit needs every block before it). */
  hits(prefixId: number, blocks: number): number {
    let i = 0;
    while (i < blocks && this.shared.has(`${prefixId}:${i}`)) i++;
    return i;
  }

  /** Blocks that acquiring `blocks` prefix blocks would newly take from the free pool. */
  prefixCost(prefixId: number, blocks: number): number {
    let n = 0;
    for (let i = 0; i < blocks; i++) {
      const ref = this.shared.get(`${prefixId}:${i}`);
      if (ref === undefined) n++;
    }
    return n;
  }

  /** References the first `blocks` blocks of a prefix, allocating the ones not resident; false (nothing taken) when they do not fit. */
  acquirePrefix(prefixId: number, blocks: number): boolean {
    const missing = this.prefixCost(prefixId, blocks);
    if (missing > this.available) return false;
    // Blocks about to be reused must not be evicted to make room for the missing ones.
    for (let i = 0; i < blocks; i++) {
      const key = `${prefixId}:${i}`;
      const ref = this.shared.get(key);
      if (ref !== undefined) {
        if (ref === 0) this.evictableCount--;
        this.shared.delete(key);
        this.shared.set(key, ref + 1);
      }
    }
    this.evictFor(missing);
    for (let i = 0; i < blocks; i++) {
      const key = `${prefixId}:${i}`;
      if (!this.shared.has(key)) this.shared.set(key, 1);
    }
    return true;
  }

  releasePrefix(prefixId: number, blocks: number): void {
    for (let i = 0; i < blocks; i++) {
      const key = `${prefixId}:${i}`;
      const ref = this.shared.get(key);
      if (ref === undefined || ref === 0) throw new Error(`block pool: prefix block ${key} released but not held`);
      // Re-insert: the Map's order is the LRU order of blocks that drop to ref 0.
      this.shared.delete(key);
      this.shared.set(key, ref - 1);
      if (ref === 1) this.evictableCount++;
    }
  }

  /** Makes sure n blocks are free, evicting least-recently released cached blocks. */
  private evictFor(n: number): void {
    let free = this.totalBlocks - this.privateBlocks - this.shared.size;
    if (free >= n) return;
    for (const [key, ref] of this.shared) {
      if (free >= n) break;
      if (ref !== 0) continue;
      this.shared.delete(key);
      this.evictableCount--;
      this.evictions++;
      free++;
    }
  }
}
