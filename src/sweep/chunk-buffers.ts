/**
 * Shared buffers that carry a sweep chunk's result text from a worker thread to the main thread.
 * Each chunk in flight owns one SharedArrayBuffer from a free list: the task message shares it
 * (no copy), the worker writes the chunk's lines into it as UTF-8, the main thread appends those
 * bytes to the results file and returns the buffer to the list. The main thread's memory then
 * stays the same from the first chunk to the millionth (a string or a fresh array per chunk
 * left 50–200 KB to the garbage collector each time). A text larger than its buffer comes back
 * as its own byte array, and the buffer is replaced by one large enough for it.
 */

/** A chunk of point indices and the buffer its lines are written into. */
export interface ChunkTask {
  indices: number[];
  buffer: SharedArrayBuffer;
}

/** The lines of a chunk: `bytes` bytes at the start of the task's buffer, or their own array when they did not fit. */
export type ChunkText = { bytes: number } | { own: Uint8Array };

/** Size of a new buffer: a 512-point chunk of GPU decode results is ~200 KB. */
export const CHUNK_BUFFER_BYTES = 256 * 1024;

const utf8 = new TextEncoder();

/** Worker side: the text into the buffer, or into an array of its own if it does not fit. */
export function encodeChunk(text: string, buffer: SharedArrayBuffer): ChunkText {
  const { read, written } = utf8.encodeInto(text, new Uint8Array(buffer));
  return read === text.length ? { bytes: written } : { own: utf8.encode(text) };
}

/** Main side: the free list. */
export class ChunkBuffers {
  private free: SharedArrayBuffer[] = [];
  private size = CHUNK_BUFFER_BYTES;
  take(): SharedArrayBuffer {
    return this.free.pop() ?? new SharedArrayBuffer(this.size);
  }
  /** The chunk's bytes (a view of its buffer: valid until the buffer is given back). */
  bytes(buffer: SharedArrayBuffer, text: ChunkText): Uint8Array {
    return 'own' in text ? text.own : new Uint8Array(buffer, 0, text.bytes);
  }
  /** Back to the free list; a buffer that was too small for its chunk is dropped, and later ones are made large enough. */
  give(buffer: SharedArrayBuffer, text: ChunkText): void {
    if ('own' in text) this.size = Math.max(this.size, Math.ceil((text.own.length * 1.25) / 4096) * 4096);
    else if (buffer.byteLength >= this.size) this.free.push(buffer);
  }
}
