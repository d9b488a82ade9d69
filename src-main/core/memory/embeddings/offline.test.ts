// The offline embedder: deterministic unit vectors that track shared words, word forms and misspellings, not synonyms.
import { describe, expect, it } from 'vitest';
import { dot } from '../vectors';
import { embedOffline, OFFLINE_DIMENSIONS, offlineEmbedder } from './offline';

const sim = (a: string, b: string) => dot(embedOffline(a), embedOffline(b));

describe('offline embedder', () => {
  it('makes deterministic L2-normalised vectors of 384 dimensions, with positive and negative values', async () => {
    const [a, b] = await offlineEmbedder().embed(['Turn on the kitchen lights', 'Turn on the kitchen lights']);
    expect(a).toHaveLength(OFFLINE_DIMENSIONS);
    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
    expect(dot(a ?? new Float32Array(), a ?? new Float32Array())).toBeCloseTo(1, 5);
    expect(Array.from(a ?? []).some((x) => x < 0)).toBe(true);
  });

  it('scores shared words, word forms and misspellings well above unrelated sentences', () => {
    const unrelated = sim('I prefer dark roast coffee in the morning', 'the garage door battery was replaced');
    expect(Math.abs(unrelated)).toBeLessThan(0.12);
    expect(sim('I prefer dark roast coffee in the morning', 'what coffee do I like')).toBeGreaterThan(0.2);
    expect(sim('I prefer dark roast coffee in the morning', 'coffees preferred')).toBeGreaterThan(0.2);
    expect(sim("Anniversary dinner booked at Marcello's trattoria", 'aniversary marcelo')).toBeGreaterThan(0.2);
  });

  it('knows nothing of meaning: synonyms with no letters in common stay near zero', () => {
    expect(Math.abs(sim('I drive a blue Volvo', 'which automobile do I own'))).toBeLessThan(0.1);
  });

  it('gives text without words (symbols, emoji) a vector too', () => {
    const v = embedOffline('☕ → 🚗');
    expect(dot(v, v)).toBeCloseTo(1, 5);
  });
});
