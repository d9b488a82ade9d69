// The offline embedder: hashed words, word pairs and character n-grams in 384 signed dimensions, L2-normalised; needs no download.
import type { Embedder } from './types';

export const OFFLINE_DIMENSIONS = 384;
/** Bump the version whenever the features change: stored vectors are then re-embedded. */
export const OFFLINE_MODEL = `offline:hashed-ngrams-v1/${OFFLINE_DIMENSIONS}`;

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
/** The norm of a word's character n-grams together (each gets GRAMS_WEIGHT/√count), so long words do not outweigh short ones. */
const GRAMS_WEIGHT = 1.5;
const GRAM_SIZES = [3, 4, 5] as const;
/**
 * Without corpus statistics there is no IDF, so the commonest English function words are damped by
 * hand; otherwise "the", "is" and "my" make unrelated sentences look alike.
 */
const FUNCTION_WORDS = new Set(
  'a an and are as at be but by do does did for from has have i in is it me my of on or our so that the this to was we were what when where which who why will with you your'.split(' '),
);
const FUNCTION_WEIGHT = 0.2;

/** FNV-1a over UTF-16 code units, then a finaliser so the low bits (the slot) and the top bit (the sign) are both well mixed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Signed feature hashing: a feature adds ±weight to one slot, so collisions cancel out on average
 * instead of piling up, and the sign bits that the vector index keeps are informative.
 */
function add(vector: Float32Array, feature: string, weight: number): void {
  const h = hash(feature);
  const slot = h % OFFLINE_DIMENSIONS;
  vector[slot] = (vector[slot] ?? 0) + (h & 0x80000000 ? -weight : weight);
}

export function tokens(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase();
  const words = normal.match(/[\p{L}\p{N}]+/gu);
  if (words) return words;
  // Nothing word-like (symbols, emoji): the whitespace-separated pieces still say something.
  return normal.split(/\s+/).filter(Boolean);
}

export function embedOffline(text: string): Float32Array {
  const vector = new Float32Array(OFFLINE_DIMENSIONS);
  const words = tokens(text);
  words.forEach((word, i) => {
    const scale = FUNCTION_WORDS.has(word) ? FUNCTION_WEIGHT : 1;
    add(vector, `w:${word}`, WORD_WEIGHT * scale);
    const next = words[i + 1];
    if (next !== undefined) add(vector, `p:${word} ${next}`, PAIR_WEIGHT * scale);
    const padded = `<${word}>`;
    const grams: string[] = [];
    for (const n of GRAM_SIZES) for (let at = 0; at + n <= padded.length; at += 1) grams.push(padded.slice(at, at + n));
    for (const gram of grams) add(vector, `c:${gram}`, (GRAMS_WEIGHT * scale) / Math.sqrt(grams.length));
  });
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // Only possible for empty text, which the store never sends; a fixed unit vector keeps the maths defined.
    vector[0] = 1;
    return vector;
  }
  for (let i = 0; i < vector.length; i += 1) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

export function offlineEmbedder(): Embedder {
  return {
    model: OFFLINE_MODEL,
    describe: 'offline hashed n-grams (no provider configured)',
    embed: (texts) => Promise.resolve(texts.map(embedOffline)),
  };
}
