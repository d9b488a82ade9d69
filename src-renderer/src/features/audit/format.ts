// Compact, fixed-width renderings of audit values, so rows line up and never reflow.

export function shortHash(hash: string, length = 12): string {
  return hash.length <= length ? hash : `${hash.slice(0, length)}…`;
}

export function shortTrace(traceId: string): string {
  return traceId.length <= 8 ? traceId : traceId.slice(0, 8);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local `YYYY-MM-DD HH:MM:SS`; the raw value when it is not a time. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
