// Vector maths the index needs: normalising, sign bits for the candidate table, dot products over stored float32 blobs.

/** A unit-length copy; throws for vectors that cannot be normalised (all zero, NaN, infinite). */
export function normalise(vector: Float32Array | readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm === 0) throw new RangeError('the embedding is all zeros or not finite, so it cannot be compared');
  for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) / norm;
  return out;
}

/** Bits kept per vector: one per dimension, rounded up to whole bytes. */
export const bitWidth = (dims: number): number => Math.ceil(dims / 8) * 8;

/** One bit per dimension, set where the value is positive: the Hamming distance of two codes tracks their angle. */
export function signBits(vector: Float32Array, bits = bitWidth(vector.length)): Buffer {
  const out = Buffer.alloc(bits / 8);
  for (let i = 0; i < vector.length && i < bits; i += 1) if ((vector[i] ?? 0) > 0) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  return out;
}

/** The float32 bytes stored in memory_embeddings.vector. */
export const toBlob = (vector: Float32Array): Buffer => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

/** Reads a stored blob as floats; copies when SQLite's buffer is not 4-byte aligned. */
export function fromBlob(blob: Buffer): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Float32Array(Uint8Array.from(blob).buffer);
}

export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < n; i += 1) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + s2 + s3;
}
