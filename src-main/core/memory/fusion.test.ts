// Reciprocal rank fusion: agreement between lanes wins, and each lane's ranks are reported.
import { describe, expect, it } from 'vitest';
import { fuse, RRF_K } from './fusion';

describe('fuse', () => {
  it('puts what both lanes found first and keeps each lane\'s rank', () => {
    const fused = fuse([
      [1, 2, 3],
      [3, 4],
    ]);
    expect(fused.map((f) => f.seq)).toEqual([3, 1, 2, 4]);
    expect(fused[0]).toEqual({ seq: 3, score: 1 / (RRF_K + 3) + 1 / (RRF_K + 1), ranks: [3, 1] });
    expect(fused.find((f) => f.seq === 4)?.ranks).toEqual([null, 2]);
  });

  it('breaks ties by the best single rank, then by id', () => {
    expect(fuse([[7], [9]]).map((f) => f.seq)).toEqual([7, 9]);
    expect(fuse([[], []])).toEqual([]);
  });
});
