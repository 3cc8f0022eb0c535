/**
 * What a benchmark hands back, and how it is shown: aligned text tables on the terminal, Markdown
 * in docs/benchmarks.md. Numbers are formatted by the benchmark itself, so both views agree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table. */
  notes?: string[];
}

export interface Verdict {
  /** What is checked, e.g. "pipeline at 1,000 rules vs DESIGN.md §6 (≥ 20,000 msgs/s)". */
  what: string;
  measured: string;
  /** true: met; false: missed; null: informational. */
  ok: boolean | null;
}

export interface BenchResult {
  /** File name without extension (bench/<name>.ts). */
  name: string;
  title: string;
  /** Markdown paragraphs / bullet lines describing the method; printed before the tables. */
  method: string[];
  tables: Table[];
  /** Sentences computed from this run's numbers: what they mean. */
  findings?: string[];
  verdicts: Verdict[];
  /** Sanity checks that passed or failed (counts written vs expected …). */
  checks: { what: string; ok: boolean; detail: string }[];
  elapsedMs: number;
  /** CPU time of the benchmark's process over its wall time (filled in by bench/run.ts). */
  cpuShare?: number;
}

export interface BenchOptions {
  quick: boolean;
}

export interface Machine {
  nproc: string;
  cpu: string;
  memory: string;
  os: string;
  node: string;
  sqlite: string;
  commit: string;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machine(): Machine {
  let cpu = '';
  let osName = `${os.type()} ${os.release()}`;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? '';
  } catch {
    /* not Linux */
  }
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(rel)?.[1];
    if (pretty) osName = `${pretty}, kernel ${os.release()}`;
  } catch {
    /* no os-release */
  }
  const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--', 'src']) !== '';
  return {
    nproc: sh('nproc', []) || String(os.availableParallelism()),
    cpu: cpu || os.cpus()[0]?.model || 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: osName,
    node: process.version,
    sqlite: process.versions.sqlite ?? 'unknown',
    commit: commit ? `${commit}${dirty ? ' (src/ has uncommitted changes)' : ''}` : 'unknown',
  };
}

// ---- terminal -----------------------------------------------------------------------------------

/** Display width: CJK and emoji take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    w += c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || c >= 0x1f300) ? 2 : 1;
  }
  return w;
}

const numeric = (s: string) => /^[\d,.–\-×% µ]+[×%]?$|^n\/a$/.test(s);

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

export function textTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(width(c), ...t.rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[], header = false) => cells.map((c, i) => pad(c, widths[i] ?? 0, !header && i > 0 && numeric(c))).join('  ');
  const out = [t.title, line(t.columns, true), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map((r) => line(r))];
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}

export function textResult(r: BenchResult): string {
  const cpu = r.cpuShare === undefined ? '' : `, CPU time / wall time ${r.cpuShare.toFixed(2)}`;
  const out = [`\n=== ${r.title} (${(r.elapsedMs / 1000).toFixed(1)} s${cpu}) ===`];
  for (const t of r.tables) out.push('', textTable(t));
  if (r.findings?.length) {
    out.push('', 'Reading the numbers:');
    for (const f of r.findings) out.push(`  - ${f}`);
  }
  if (r.verdicts.length) {
    out.push('', 'Against the targets:');
    for (const v of r.verdicts) out.push(`  ${mark(v.ok)} ${v.what}: ${v.measured}`);
  }
  if (r.checks.length) {
    out.push('', 'Sanity checks:');
    for (const c of r.checks) out.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
  }
  return out.join('\n');
}

function mark(ok: boolean | null): string {
  return ok === null ? 'info' : ok ? 'met ' : 'MISS';
}

// ---- Markdown -----------------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function mdTable(t: Table): string {
  const align = t.columns.map((_, i) => (i > 0 && t.rows.every((r) => numeric(r[i] ?? '')) ? '---:' : '---'));
  const out = [
    `**${t.title}**`,
    '',
    `| ${t.columns.map(cell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

export function mdResult(r: BenchResult): string {
  const out = [`## ${r.title}`, '', `Source: \`bench/${r.name}.ts\`. Wall time of this benchmark: ${(r.elapsedMs / 1000).toFixed(1)} s${r.cpuShare === undefined ? '' : `; its process's CPU time / wall time: ${r.cpuShare.toFixed(2)} (1.0 means it had a core to itself throughout; lower means it waited, for the CPU or the disk)`}.`, ''];
  // The verdicts are in the summary at the top of the page.
  for (const t of r.tables) out.push(mdTable(t), '');
  if (r.findings?.length) out.push('Reading the numbers (sentences computed from this run):', '', ...r.findings.map((f) => `- ${f}`), '');
  out.push('Method:', '', ...r.method, '');
  if (r.checks.length) {
    out.push('Sanity checks run with the benchmark:', '');
    for (const c of r.checks) out.push(`- ${c.ok ? 'ok' : '**FAILED**'}: ${c.what}: ${c.detail}`);
    out.push('');
  }
  return out.join('\n');
}
