/**
 * A short text summary of a V8 CPU profile (as `Profiler.stop` or `node --cpu-prof` writes it):
 * where the time went, by module and by function, in µs per processed item.
 */
import type { Profiler, Runtime } from 'node:inspector';

export interface SummaryOptions {
  /** Items processed while the profile ran (messages): times are shown per item. */
  perItem: number;
  /** Rows per list. */
  top: number;
  /** Named parts to total first (functions whose name, as listed below, matches `fn`; callees included). */
  parts?: { label: string; fn: RegExp }[];
}

const root = new URL('../../', import.meta.url).href;

/** Which part of the code a frame belongs to: a package, a file under src/ or bench/, Node, V8. */
function moduleOf(f: Runtime.CallFrame): string {
  const url = f.url;
  if (url === '') {
    if (f.functionName.startsWith('(')) return f.functionName;
    return '(native: builtins, node:sqlite calls)';
  }
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node: internals';
  if (url.startsWith(root)) return url.slice(root.length);
  return url;
}

/** A function with where it is: `visitNode (kysely/dist/esm/…/default-query-compiler.js:110)`; native functions by name. */
function frameName(f: Runtime.CallFrame): string {
  if (f.url === '') return f.functionName || '(anonymous)';
  const inPackage = /\/node_modules\/(.+)$/.exec(f.url)?.[1];
  const file = inPackage ?? (f.url.startsWith(root) ? f.url.slice(root.length) : f.url);
  return `${f.functionName || '(anonymous)'} (${file}:${f.lineNumber + 1})`;
}

export function profileSummary(profile: Profiler.Profile, o: SummaryOptions): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i + 1] is the time from sample i to the next one: the time spent where sample i was taken.
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const selfByFn = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  for (const [id, t] of selfUs) {
    const f = byId.get(id)!.callFrame;
    selfByFn.set(frameName(f), (selfByFn.get(frameName(f)) ?? 0) + t);
    selfByModule.set(moduleOf(f), (selfByModule.get(moduleOf(f)) ?? 0) + t);
  }

  // Total (inclusive) time per function, counting a recursive function once per stack.
  const totalByFn = new Map<string, number>();
  const rootNode = profile.nodes[0];
  const visit = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!;
    let t = selfUs.get(id) ?? 0;
    const name = frameName(n.callFrame);
    const fresh = !onStack.has(name);
    if (fresh) onStack.add(name);
    for (const c of n.children ?? []) t += visit(c, onStack);
    if (fresh) {
      onStack.delete(name);
      totalByFn.set(name, (totalByFn.get(name) ?? 0) + t);
    }
    return t;
  };
  if (rootNode) visit(rootNode.id, new Set());
  totalByFn.delete('(root)');

  const row = (name: string, t: number) => `  ${(t / o.perItem).toFixed(2).padStart(8)} µs  ${((t / Math.max(total, 1)) * 100).toFixed(1).padStart(5)} %  ${name}`;
  const list = (title: string, m: Map<string, number>) => [title, ...[...m].sort((a, b) => b[1] - a[1]).slice(0, o.top).map(([k, t]) => row(k, t))].join('\n');
  const parts = (o.parts ?? []).map(({ label, fn }) => {
    let t = 0;
    for (const [name, us] of totalByFn) if (fn.test(name)) t += us;
    return row(label, t);
  });
  return [
    ...(parts.length > 0 ? [['Parts (total time, callees included):', ...parts].join('\n')] : []),
    `Sampled ${(total / 1000).toFixed(0)} ms (${(total / o.perItem).toFixed(1)} µs per item); times below are per item and as a share of the sampled time.`,
    list('Self time by module:', selfByModule),
    list('Self time by function:', selfByFn),
    list('Total time (self + callees) by function:', totalByFn),
  ].join('\n\n');
}
