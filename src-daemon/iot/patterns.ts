// Allow-list matching: entity patterns ("light.kitchen", "light.*", "*") and MQTT topic filters ("home/+/set", "sensors/#").

/** Whether an entity id is covered by one pattern. */
export function entityMatches(pattern: string, entityId: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return entityId.startsWith(pattern.slice(0, -1));
  return pattern === entityId;
}

export const anyEntityMatches = (patterns: readonly string[], entityId: string): boolean => patterns.some((p) => entityMatches(p, entityId));

/** MQTT filter matching per the spec: "+" is one level, "#" the rest (including none); "$" topics only match filters that name them. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

export const anyTopicMatches = (filters: readonly string[], topic: string): boolean => filters.some((f) => topicMatches(f, topic));

/** True when every pattern in `next` was already in `previous`: the change only removes entries. */
export const onlyRemoves = (previous: readonly string[], next: readonly string[]): boolean => next.every((p) => previous.includes(p));
