// One action on one listed record: at most one at a time per record, its error kept beside that record.
import { describeError } from './errors';

export interface RowActionState {
  busy: Record<string, string>;
  rowErrors: Record<string, string>;
}

/** A copy of the record without one key. */
export function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

/**
 * Marks the record busy with `label`, clears its old error, runs `work`, and on failure keeps the error in
 * words for that record; a second action on a record that is busy is ignored.
 */
export async function runRowAction<S extends RowActionState>(
  get: () => S,
  set: (partial: Partial<S>) => void,
  id: string,
  label: string,
  work: () => Promise<void>,
): Promise<void> {
  if (get().busy[id]) return;
  set({ busy: { ...get().busy, [id]: label }, rowErrors: without(get().rowErrors, id) } as Partial<S>);
  try {
    await work();
  } catch (err) {
    set({ rowErrors: { ...get().rowErrors, [id]: describeError(err) } } as Partial<S>);
  } finally {
    set({ busy: without(get().busy, id) } as Partial<S>);
  }
}
