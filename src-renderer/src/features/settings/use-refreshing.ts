// Loads a panel's list once it shows, then re-reads it quietly on an interval while it stays on screen.
import { useEffect } from 'react';

/** `load(quiet)`: the first call shows loading; later ones (quiet) only replace what changed. */
export function useRefreshing(load: (quiet?: boolean) => Promise<void>, everyMs: number): void {
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(true), everyMs);
    return () => clearInterval(timer);
  }, [load, everyMs]);
}
