// A task's log as it happens: one readable line per audit row of its trace, newest at the bottom, in a box of fixed height.
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { clockTime, describeEvent } from './log-format';
import type { TasksStore } from './store';

export function TaskLog({ store, api, traceId, label }: { store: TasksStore; api: ApiClient; traceId: string; label: string }) {
  const log = useStore(store, (s) => s.traces[traceId]);
  const box = useRef<HTMLOListElement>(null);
  useEffect(() => {
    void store.getState().follow(api, traceId);
  }, [store, api, traceId]);
  const count = log?.events.length ?? 0;
  // Keep the newest line in view unless the person scrolled up to read.
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 48) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <div className="task-log">
      <ol ref={box} className="log" aria-label={label} aria-live="polite" tabIndex={0} data-testid="task-log">
        {log?.error && <li className="tone-bad">Could not load the log: {log.error}</li>}
        {count === 0 && !log?.error && <li className="muted">{log?.loading === false ? 'Nothing logged yet.' : 'Loading…'}</li>}
        {log?.events.map((e) => (
          <li key={e.id} data-type={e.type}>
            <time dateTime={e.ts}>{clockTime(e.ts)}</time> {describeEvent(e)}
          </li>
        ))}
      </ol>
    </div>
  );
}
