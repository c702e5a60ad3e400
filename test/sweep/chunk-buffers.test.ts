/** A chunk's lines travel from a worker to the main thread in a reused shared buffer (src/sweep/chunk-buffers.ts). */
import { describe, expect, it } from 'vitest';
import { CHUNK_BUFFER_BYTES, ChunkBuffers, encodeChunk } from '../../src/sweep/chunk-buffers.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('chunk buffers', () => {
  it('a text that fills the buffer exactly is written in place; one byte more comes back on its own', () => {
    const buf = new SharedArrayBuffer(8);
    expect(encodeChunk('abcdefgh', buf)).toEqual({ bytes: 8 });
    expect(text(new Uint8Array(buf))).toBe('abcdefgh');
    const over = encodeChunk('abcdefghi', buf);
    expect('own' in over && text(over.own)).toBe('abcdefghi');
  });

  it('a multi-byte character that would straddle the end is not split', () => {
    const buf = new SharedArrayBuffer(8);
    // 'abcdef' is 6 bytes, '≠' is 3: 9 bytes in all.
    const r = encodeChunk('abcdef≠', buf);
    expect('own' in r && text(r.own)).toBe('abcdef≠');
    expect(encodeChunk('abcde≠', buf)).toEqual({ bytes: 8 });
    expect(text(new Uint8Array(buf, 0, 8))).toBe('abcde≠');
  });

  it('buffers are reused; one that was too small is dropped and later ones are large enough', () => {
    const pool = new ChunkBuffers();
    const a = pool.take();
    expect(a.byteLength).toBe(CHUNK_BUFFER_BYTES);
    const fits = encodeChunk('x\n', a);
    expect(text(pool.bytes(a, fits))).toBe('x\n');
    pool.give(a, fits);
    expect(pool.take()).toBe(a);
    const big = 'y'.repeat(CHUNK_BUFFER_BYTES + 1);
    const own = encodeChunk(big, a);
    expect(pool.bytes(a, own).length).toBe(CHUNK_BUFFER_BYTES + 1);
    pool.give(a, own);
    const b = pool.take();
    expect(b).not.toBe(a);
    expect(b.byteLength).toBeGreaterThanOrEqual(CHUNK_BUFFER_BYTES + 1);
    expect(encodeChunk(big, b)).toEqual({ bytes: CHUNK_BUFFER_BYTES + 1 });
  });
});
