interface Mergeable {
  id: string;
  createdAt: number;
  /** Set once a moderator deleted it; never cleared again. */
  deletedAt?: number | null;
}

/**
 * Merges messages by id (a later copy wins) and orders them oldest → newest. A deletion is final:
 * a copy fetched before the message was deleted does not bring it back.
 */
export function mergeMessages<T extends Mergeable>(current: readonly T[], incoming: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    const known = byId.get(m.id);
    byId.set(m.id, known?.deletedAt != null && m.deletedAt == null ? known : m);
  }
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Marks a message deleted in a list (unchanged when it is not there or already marked). */
export function markDeleted<T extends Mergeable>(messages: readonly T[], messageId: string, blank: (m: T) => Partial<T> = () => ({}), now = Date.now()): T[] | null {
  const i = messages.findIndex((m) => m.id === messageId);
  const m = messages[i];
  if (!m || m.deletedAt != null) return null;
  const next = [...messages];
  next[i] = { ...m, ...blank(m), deletedAt: now };
  return next;
}
