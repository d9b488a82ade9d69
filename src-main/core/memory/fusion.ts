// Reciprocal rank fusion: each lane votes 1/(K + rank) for what it found, so lanes with incomparable scores combine fairly.

/** The constant from Cormack, Clarke and Büttcher (2009); it damps the weight of the very first places. */
export const RRF_K = 60;

export interface Fused {
  seq: number;
  score: number;
  /** 1-based place in each lane, or null where that lane did not find it. */
  ranks: (number | null)[];
}

/** Fuses ranked lists of ids (best first) into one list, best first; ties go to the best single rank, then the lower id. */
export function fuse(lanes: readonly (readonly number[])[]): Fused[] {
  const byId = new Map<number, Fused>();
  lanes.forEach((lane, l) => {
    lane.forEach((seq, i) => {
      let entry = byId.get(seq);
      if (!entry) {
        entry = { seq, score: 0, ranks: lanes.map(() => null) };
        byId.set(seq, entry);
      }
      entry.ranks[l] = i + 1;
      entry.score += 1 / (RRF_K + i + 1);
    });
  });
  const best = (f: Fused) => Math.min(...f.ranks.map((r) => r ?? Number.POSITIVE_INFINITY));
  return [...byId.values()].sort((a, b) => b.score - a.score || best(a) - best(b) || a.seq - b.seq);
}
