/**
 * `npm run bench`: runs every benchmark in bench/ (each `bench/<name>.ts` that exports `run`), each
 * in its own Node process started with --expose-gc, prints their tables, and rewrites
 * docs/benchmarks.md with the results, the machine and the command.
 *
 *   npm run bench                       full run (a few minutes on 2 cores); rewrites docs/benchmarks.md
 *   npm run bench -- --quick            short smoke run; prints only, unless --out is given
 *   npm run bench -- pipeline           only the named benchmarks (prints only, unless --out is given)
 *   npm run bench -- moderation --merge only the named benchmarks, and replace only their sections (and
 *                                       summary rows) in docs/benchmarks.md, keeping every other section
 *                                       as it is; each replaced section says when and how it was run
 *   npm run bench -- --out FILE         write the Markdown to FILE instead
 *   npm run bench -- --no-write         print only
 *   npm run bench -- --cpu-prof         also write a V8 CPU profile per benchmark (path printed)
 *
 * Exit status: 1 when a benchmark fails or one of its sanity checks does; a missed performance
 * target is reported, not an error.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { machine, mdResult, textResult, type BenchOptions, type BenchResult } from './lib/report.ts';

const benchDir = import.meta.dirname;
const root = resolve(benchDir, '..');
const DEFAULT_OUT = join(root, 'docs', 'benchmarks.md');

/** Every bench/<name>.ts except this runner. */
function discover(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();
}

// ---- child mode: run one benchmark and hand back its result -------------------------------------------

async function child(name: string, resultFile: string, opts: BenchOptions): Promise<void> {
  const mod = (await import(join(benchDir, `${name}.ts`))) as { run?: (o: BenchOptions) => Promise<BenchResult> };
  if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts does not export run()`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await mod.run(opts);
  const cpu = process.cpuUsage(cpu0);
  result.cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
  writeFileSync(resultFile, JSON.stringify(result));
}

// ---- parent mode --------------------------------------------------------------------------------------

interface Args {
  quick: boolean;
  write: boolean;
  out: string | null;
  cpuProf: boolean;
  merge: boolean;
  names: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, write: true, out: null, cpuProf: false, merge: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--quick') a.quick = true;
    else if (x === '--no-write') a.write = false;
    else if (x === '--cpu-prof') a.cpuProf = true;
    else if (x === '--merge') a.merge = true;
    else if (x === '--out') a.out = resolve(argv[++i] ?? '');
    else if (x === '--help' || x === '-h') {
      process.stdout.write(`${readFileSync(import.meta.filename, 'utf8').split('*/')[0]}*/\n`);
      process.exit(0);
    } else if (x.startsWith('-')) throw new Error(`unknown option ${x} (see --help)`);
    else a.names.push(x);
  }
  return a;
}

function runChild(name: string, args: Args, resultFile: string, profDir: string | null): Promise<void> {
  const nodeArgs = ['--expose-gc'];
  if (profDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`);
  const childArgs = [import.meta.filename, '--child', name, '--result', resultFile, ...(args.quick ? ['--quick'] : [])];
  // A hard stop, far above the expected time, so a hung benchmark cannot run forever.
  const limitMs = args.quick ? 5 * 60_000 : 20 * 60_000;
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [...nodeArgs, ...childArgs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      fail(new Error(`bench/${name}.ts did not finish within ${limitMs / 60_000} min`));
    }, limitMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`bench/${name}.ts exited with ${signal ?? code}`));
    });
  });
}

function commandLine(argv: string[]): string {
  const rest = argv.map((x) => (/^[\w./=-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`)).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${rest ? ` -- ${rest}` : ''}`;
  return `node bench/run.ts${rest ? ` ${rest}` : ''}`;
}

function markdown(results: BenchResult[], o: { command: string; date: Date; wallMs: number; quick: boolean; load: [number, number] }): string {
  const m = machine();
  const out = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/run.ts. Do not edit by hand: run `npm run bench` to refresh this file. -->',
    '',
    `Generated by \`bench/run.ts\`. To refresh: \`npm run bench\` (about ${Math.max(1, Math.round(o.wallMs / 60_000))} min here); \`npm run bench -- --quick\` is a smoke test that prints the same tables from a short run and leaves this file alone. Each benchmark compares Shequn with a named peer measured in the same run and prints the ratio; the targets come from DESIGN.md §6.`,
    '',
    '## Latest run',
    '',
    '| | |',
    '| --- | --- |',
    `| date | ${o.date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} |`,
    `| command | \`${o.command}\`${o.quick ? ' (quick run: short repetitions, numbers are rough)' : ''} |`,
    `| machine | \`nproc\` = ${m.nproc}; CPU: ${m.cpu}; ${m.memory} RAM; ${m.os} |`,
    `| runtime | Node ${m.node}, SQLite ${m.sqlite} (node:sqlite) |`,
    `| code | commit ${m.commit} |`,
    `| wall time | ${(o.wallMs / 1000).toFixed(0)} s for all benchmarks |`,
    `| load average (1 min) | ${o.load[0].toFixed(2)} before the run, ${o.load[1].toFixed(2)} after it (the benchmarks use one core; more than that means other work shared the machine) |`,
    '',
    '## Summary',
    '',
    '| benchmark | check | measured | result |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const v of r.verdicts) out.push(`| ${r.title} | ${v.what.replace(/\|/g, '\\|')} | ${v.measured.replace(/\|/g, '\\|')} | ${v.ok === null ? 'info' : v.ok ? 'met' : '**missed**'} |`);
  }
  const failed = results.flatMap((r) => r.checks.filter((c) => !c.ok));
  out.push('', failed.length === 0 ? 'Every sanity check passed (listed under each benchmark).' : `**${failed.length} sanity check(s) failed**; see below.`, '');
  for (const r of results) out.push(mdResult(r));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/**
 * --merge: the page `previous` (written by markdown()) with the sections of `results` replaced or
 * added (in bench/ order) and their summary rows replaced; every other section, its summary rows and
 * the "Latest run" table stay as they were. Each new section gets a line saying it was run alone.
 * Null when `previous` does not have the shape markdown() writes (then the whole page is rewritten).
 */
function merged(previous: string, results: BenchResult[], order: string[], o: { command: string; date: Date; quick: boolean; load: [number, number] }): string | null {
  const lines = previous.split('\n');
  const summaryAt = lines.indexOf('## Summary');
  if (summaryAt < 0) return null;
  // Sections after the summary: "## <title>" followed (after a blank line) by "Source: `bench/<name>.ts`".
  const sections: { name: string; title: string; text: string }[] = [];
  let firstSection = -1;
  for (let i = summaryAt + 1; i < lines.length; i++) {
    if (!lines[i]!.startsWith('## ')) continue;
    const name = /^Source: `bench\/([\w-]+)\.ts`/.exec(lines[i + 2] ?? '')?.[1];
    if (!name) return null;
    if (firstSection < 0) firstSection = i;
    sections.push({ name, title: lines[i]!.slice(3), text: '' });
  }
  if (firstSection < 0) return null;
  // Cut the section texts.
  let k = -1;
  const bodies: string[][] = sections.map(() => []);
  for (let i = firstSection; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) k++;
    bodies[k]!.push(lines[i]!);
  }
  sections.forEach((sec, j) => (sec.text = bodies[j]!.join('\n').trimEnd()));

  const fresh = new Map(results.map((r) => [r.name, r]));
  const kept = sections.filter((sec) => !fresh.has(sec.name));
  const when = `${o.date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  const m = machine();
  const note = `This section was refreshed on its own on ${when} by \`${o.command}\`${o.quick ? ' (quick run: numbers are rough)' : ''} (commit ${m.commit}; Node ${m.node}; 1-min load average ${o.load[0].toFixed(2)} before, ${o.load[1].toFixed(2)} after); the other sections come from the run described under "Latest run".`;
  const freshText = (r: BenchResult) => {
    const md = mdResult(r).trimEnd().split('\n');
    md.splice(4, 0, note, ''); // after "## title", "", "Source: …", ""
    return md.join('\n');
  };
  const all = [...kept.map((sec) => ({ name: sec.name, title: sec.title, text: sec.text })), ...results.map((r) => ({ name: r.name, title: r.title, text: freshText(r) }))];
  const rank = (n: string) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
  all.sort((a, b) => rank(a.name) - rank(b.name));

  // Summary rows: the kept sections' rows as they were, the fresh ones from the results.
  const head = lines.slice(0, summaryAt + 1);
  const summaryLines = lines.slice(summaryAt + 1, firstSection);
  const tableRows = summaryLines.filter((l) => l.startsWith('| ') && !l.startsWith('| benchmark |') && !l.startsWith('| --- |'));
  const keptTitles = new Set(kept.map((sec) => sec.title));
  const rowsFor = (title: string) => tableRows.filter((l) => l.startsWith(`| ${title} |`));
  const out = [...head, '', '| benchmark | check | measured | result |', '| --- | --- | --- | --- |'];
  for (const sec of all) {
    const r = fresh.get(sec.name);
    if (r) {
      for (const v of r.verdicts) out.push(`| ${r.title} | ${v.what.replace(/\|/g, '\\|')} | ${v.measured.replace(/\|/g, '\\|')} | ${v.ok === null ? 'info' : v.ok ? 'met' : '**missed**'} |`);
    } else if (keptTitles.has(sec.title)) {
      out.push(...rowsFor(sec.title));
    }
  }
  const failed = results.reduce((n, r) => n + r.checks.filter((c) => !c.ok).length, 0) + kept.reduce((n, sec) => n + (sec.text.match(/^- \*\*FAILED\*\*/gm)?.length ?? 0), 0);
  out.push('', failed === 0 ? 'Every sanity check passed (listed under each benchmark).' : `**${failed} sanity check(s) failed**; see below.`, '');
  for (const sec of all) out.push(sec.text, '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

async function parent(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const all = discover();
  const unknown = args.names.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`no such benchmark: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  const names = args.names.length ? args.names : all;
  const partial = names.length < all.length;
  // A smoke run or a partial run must not replace the full results, unless asked to write elsewhere.
  // --merge: a partial run that rewrites only its own sections of the page.
  const outFile = !args.write ? null : (args.out ?? (args.quick || (partial && !args.merge) ? null : DEFAULT_OUT));

  const work = mkdtempSync(join(tmpdir(), 'shequn-bench-run-'));
  const profDir = args.cpuProf ? mkdtempSync(join(tmpdir(), 'shequn-bench-prof-')) : null;
  const started = performance.now();
  const date = new Date();
  const loadBefore = loadavg()[0]!;
  const results: BenchResult[] = [];
  let failures = 0;
  try {
    for (const name of names) {
      process.stderr.write(`\n▶ bench/${name}.ts${args.quick ? ' (quick)' : ''}\n`);
      const file = join(work, `${name}.json`);
      try {
        await runChild(name, args, file, profDir);
        const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
        results.push(r);
        process.stdout.write(`${textResult(r)}\n`);
        failures += r.checks.filter((c) => !c.ok).length;
      } catch (e) {
        failures++;
        process.stderr.write(`✗ ${(e as Error).message}\n`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const wallMs = performance.now() - started;
  process.stdout.write(`\nAll benchmarks: ${(wallMs / 1000).toFixed(1)} s; 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after.\n`);
  if (profDir) process.stdout.write(`CPU profiles: ${profDir}\n`);
  if (outFile && results.length === names.length) {
    const o = { command: commandLine(argv), date, wallMs, quick: args.quick, load: [loadBefore, loadavg()[0]!] as [number, number] };
    const previous = args.merge && existsSync(outFile) ? readFileSync(outFile, 'utf8') : null;
    writeFileSync(outFile, (previous !== null && merged(previous, results, all, o)) || markdown(results, o));
    process.stdout.write(`Wrote ${relative(process.cwd(), outFile) || outFile}.\n`);
  } else if (outFile) {
    process.stdout.write(`Not writing ${relative(process.cwd(), outFile)}: a benchmark failed.\n`);
  } else {
    process.stdout.write(`Did not write docs/benchmarks.md (${!args.write ? '--no-write' : args.quick ? 'quick run' : 'partial run; --merge replaces only its sections'}; use --out FILE to write anyway).\n`);
  }
  return failures > 0 ? 1 : 0;
}

// ---- entry ----------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const name = argv[1]!;
  const resultFile = argv[argv.indexOf('--result') + 1]!;
  await child(name, resultFile, { quick: argv.includes('--quick') });
} else {
  try {
    process.exitCode = await parent(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
