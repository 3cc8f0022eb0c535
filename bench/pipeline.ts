/**
 * The inbound pipeline benchmark: web community frame → normalize (messageEvent) → dedupe on the
 * event id → identity and membership → store the message → keyword rules → outbox intents, one
 * transaction per message, on the embedded store (SQLite file, WAL), one core, sequential.
 *
 * Peers, in the same process and run:
 *  (a) raw node:sqlite floor: the same rows written with hand-written prepared statements, one
 *      transaction per message; the ceiling the store layer could reach;
 *  (b) naive keyword loop: for each rule, for each keyword, text.includes(keyword), against the
 *      compiled matcher (KeywordMatcher), matching alone.
 *
 * Run alone: `node --expose-gc bench/pipeline.ts [--quick]`; `npm run bench` runs it with the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { messageEvent } from '../src/connectors/webchat/normalize.ts';
import type { MessageEvent } from '../src/core/events.ts';
import { normalizeKeywordText } from '../src/core/matcher.ts';
import { compileRules, evaluate, keywordReplyRule, type CompiledRules, type EvaluationContext, type Rule } from '../src/core/rules.ts';
import { Bus } from '../src/server/bus.ts';
import { Engine } from '../src/server/engine.ts';
import { newId } from '../src/store/ids.ts';
import { migrateOrThrow, openStore, type Store } from '../src/store/index.ts';
import { addWorkspaceMember, createUser, createWorkspace } from '../src/store/repos/accounts.ts';
import { createChannelAccount } from '../src/store/repos/channels.ts';
import { createGroup } from '../src/store/repos/groups.ts';
import { activateMembership, upsertIdentity } from '../src/store/repos/people.ts';
import { insertRule } from '../src/store/repos/rules.ts';
import { openSqlite } from '../src/store/sqlite-driver.ts';
import { keywordRules, members, messages, type KeywordRuleSpec, type MemberSpec, type MessageSpec } from './lib/data.ts';
import { collectGarbage, fmtInt, fmtMs, fmtPct, fmtRate, fmtRatio, fmtSpread, fmtUs, measureSync, median, now, rateOf, type Rate } from './lib/measure.ts';
import { textResult, type BenchOptions, type BenchResult, type Table, type Verdict } from './lib/report.ts';

const RULE_COUNTS = [10, 1_000, 10_000] as const;
const MEMBER_COUNT = 300;
const HIT_RATE = 0.05;
const TARGET_MSGS_PER_SEC = 20_000;
const FLAT_WITHIN = 0.2;

interface Config {
  /** Distinct message texts generated (the pipeline and matcher cycle through them). */
  corpus: number;
  /** Messages per timed pipeline repetition, and in its warm-up. */
  pipelineMsgs: number;
  pipelineWarmup: number;
  pipelineReps: number;
  /** Matching: time budget per repetition. */
  matchBudgetMs: number;
  matchReps: number;
  /** Messages on which the naive loop and the compiled matcher are checked to agree. */
  agreeCheck: number;
}

const FULL: Config = { corpus: 20_000, pipelineMsgs: 4_000, pipelineWarmup: 1_500, pipelineReps: 7, matchBudgetMs: 400, matchReps: 5, agreeCheck: 1_000 };
const QUICK: Config = { corpus: 3_000, pipelineMsgs: 500, pipelineWarmup: 300, pipelineReps: 3, matchBudgetMs: 60, matchReps: 3, agreeCheck: 200 };

const log = (s: string) => process.stderr.write(`[pipeline] ${s}\n`);

// ---- fixture: a workspace, its web community channel, one group with members, N rules ---------------

interface Fixture {
  dir: string;
  path: string;
  workspaceId: string;
  accountId: string;
  groupId: string;
  platformGroupId: string;
  groupCtx: EvaluationContext;
  people: MemberSpec[];
  rules: Rule[];
}

const SEED_TIME = 1_763_856_000_000;
const GROUP_RULES = '1. 禁止广告 No ads\n2. 友善交流 Be kind\n3. 资料见群公告';

function toRule(spec: KeywordRuleSpec, i: number, groupId: string): Rule {
  return keywordReplyRule({
    id: newId(),
    groupId: spec.scope === 'group' ? groupId : null,
    name: `关键词 ${i + 1}`,
    keywords: spec.keywords,
    reply: spec.reply,
    priority: spec.priority,
  });
}

/** Creates the store the way the server does (openStore + migrateOrThrow) and seeds it through the repos. */
export async function seed(path: string, specs: readonly KeywordRuleSpec[], people: readonly MemberSpec[]): Promise<{ store: Store } & Omit<Fixture, 'dir' | 'path' | 'people'>> {
  const store = openStore({ kind: 'sqlite', path });
  await migrateOrThrow(store);
  const t = SEED_TIME;
  const seeded = await store.transaction(async (trx) => {
    // As services/setup.ts createOwner does, minus the password hashing.
    const ws = await createWorkspace(trx, { name: 'Bench 社群', timezone: 'Asia/Shanghai', locale: 'zh-CN', now: t });
    const user = await createUser(trx, { email: 'owner@bench.invalid', name: 'Owner', passwordHash: 'scrypt$bench', locale: 'zh-CN', now: t });
    await addWorkspaceMember(trx, ws.id, user.id, 'owner', t);
    const account = await createChannelAccount(trx, { workspaceId: ws.id, kind: 'webchat', name: '社群助手', config: {}, now: t });
    const group = await createGroup(trx, { workspaceId: ws.id, channelAccountId: account.id, name: '读书会 Book club', rules: GROUP_RULES, inviteCode: 'bench-invite', now: t });
    for (const p of people) {
      const identity = await upsertIdentity(trx, { workspaceId: ws.id, channelAccountId: account.id, platformUserId: p.platformUserId, displayName: p.nickname, isBot: false, now: t });
      await activateMembership(trx, { workspaceId: ws.id, groupId: group.id, identityId: identity.id, inviterIdentityId: null, now: t });
    }
    const rules: Rule[] = [];
    for (const [i, spec] of specs.entries()) {
      const rule = toRule(spec, i, group.id);
      await insertRule(trx, ws.id, rule, t);
      rules.push(rule);
    }
    return { workspaceId: ws.id, accountId: account.id, groupId: group.id, platformGroupId: group.platform_group_id, groupCtx: { group: { name: group.name, rules: group.rules } }, rules };
  });
  return { store, ...seeded };
}

// ---- peer (a): the raw node:sqlite floor ------------------------------------------------------------

/**
 * The same reads and writes as Engine.ingest for a group message whose sender is already a member,
 * with hand-written prepared statements on the same connection settings (openSqlite: WAL,
 * synchronous=NORMAL, foreign keys on) and one transaction per message. Rules are evaluated with the
 * same compiled rules, so the difference to Shequn is the store layer and the engine's glue.
 */
export class RawFloor {
  readonly #db: DatabaseSync;
  readonly #fx: Fixture;
  readonly #compiled: CompiledRules;
  readonly #insEvent: StatementSync;
  readonly #selGroup: StatementSync;
  readonly #selIdentity: StatementSync;
  readonly #updMembership: StatementSync;
  readonly #insMessage: StatementSync;
  readonly #insOutbox: StatementSync;
  intents = 0;
  /** Time spent in COMMIT by ingest(), in ms (the caller resets it). */
  commitMs = 0;

  constructor(db: DatabaseSync, fx: Fixture) {
    this.#db = db;
    this.#fx = fx;
    this.#compiled = compileRules(fx.rules);
    this.#insEvent = db.prepare('INSERT INTO inbound_events (id, workspace_id, channel_account_id, kind, payload, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.#selGroup = db.prepare('SELECT id, name, rules FROM groups WHERE channel_account_id = ? AND platform_group_id = ?');
    this.#selIdentity = db.prepare('SELECT id, contact_id, display_name, is_bot FROM identities WHERE channel_account_id = ? AND platform_user_id = ?');
    this.#updMembership = db.prepare("UPDATE memberships SET message_count = message_count + 1, last_message_at = ? WHERE group_id = ? AND identity_id = ? AND status = 'active'");
    this.#insMessage = db.prepare(
      'INSERT INTO messages (id, workspace_id, channel_account_id, group_id, identity_id, direction, platform_message_id, content_type, text, mentions, reply_to_id, event_id, outbox_id, created_at) ' +
        "VALUES (?, ?, ?, ?, ?, 'in', ?, ?, ?, ?, NULL, ?, NULL, ?) ON CONFLICT (channel_account_id, platform_message_id) DO NOTHING",
    );
    this.#insOutbox = db.prepare(
      'INSERT INTO outbox (id, workspace_id, idempotency_key, channel_account_id, group_id, rule_id, kind, payload, message_id, priority, status, attempts, next_attempt_at, last_error, created_at, updated_at) ' +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 10, 'pending', 0, ?, NULL, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    );
  }

  ingest(event: MessageEvent, t: number): void {
    const db = this.#db;
    db.exec('BEGIN');
    try {
      this.#write(event, t);
      const c = now();
      db.exec('COMMIT');
      this.commitMs += now() - c;
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }

  /**
   * Group commit: several messages in one transaction, each inside its own savepoint so one bad
   * message would not undo the others. Not what Shequn does today; shown for what it would buy.
   */
  ingestMany(events: readonly MessageEvent[], t: number): void {
    const db = this.#db;
    db.exec('BEGIN');
    try {
      for (const event of events) {
        db.exec('SAVEPOINT m');
        this.#write(event, t);
        db.exec('RELEASE m');
      }
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }

  #write(event: MessageEvent, t: number): void {
    const ws = this.#fx.workspaceId;
    if (this.#insEvent.run(event.id, ws, event.channelAccountId, event.kind, JSON.stringify(event), t).changes === 0) throw new Error(`raw floor: duplicate ${event.id}`);
    const group = this.#selGroup.get(event.channelAccountId, event.platformGroupId) as { id: string; name: string; rules: string } | undefined;
    const identity = this.#selIdentity.get(event.channelAccountId, event.sender.platformUserId) as { id: string } | undefined;
    if (!group || !identity) throw new Error('raw floor: the bench only sends messages from seeded members of the seeded group');
    if (this.#updMembership.run(t, group.id, identity.id).changes === 0) throw new Error('raw floor: sender is not an active member');
    this.#insMessage.run(newId(), ws, event.channelAccountId, group.id, identity.id, event.platformMessageId, event.content.type, event.content.text, JSON.stringify(event.content.mentions), event.id, t);
    const intents = evaluate(event, this.#compiled, { group: { name: group.name, rules: group.rules } });
    for (const k of intents) {
      this.#insOutbox.run(newId(), ws, k.idempotencyKey, k.intent.channelAccountId, group.id, k.ruleId, k.intent.kind, JSON.stringify(k.intent), t, t, t);
    }
    this.intents += intents.length;
  }
}

// ---- the pipeline at one rule count -----------------------------------------------------------------

interface PipelineRow {
  rules: number;
  shequn: Rate;
  raw: Rate;
  /** The raw floor with BATCH messages per transaction (group commit). */
  rawBatch: Rate;
  /** µs per message the raw floor spent in COMMIT (median over the repetitions). */
  rawCommitUs: number;
  /** Main-thread CPU µs per message (median over the repetitions). */
  cpuUs: Record<Peer, number>;
  firstMessageMs: number;
  seedMs: number;
  messages: number;
  intents: number;
  checks: BenchResult['checks'];
}

const BATCH = 100;

const frame = (m: MessageSpec, tag: string) => ({ clientMessageId: tag, text: m.text, mentions: [] });

type Peer = 'shequn' | 'raw' | 'batch';
const PEERS: readonly Peer[] = ['shequn', 'raw', 'batch'];

interface PipelineSetup {
  ruleCount: number;
  /** Runs `count` fresh messages (corpus from `start`) through one peer: messages per second, and main-thread CPU µs per message. */
  run(peer: Peer, start: number, count: number, tag: string): Promise<{ perSec: number; cpuUs: number }>;
  /** Rows counted, files closed and removed. */
  finish(reps: Record<Peer, number[]>, cpu: Record<Peer, number[]>, sent: number, firstMessageMs: number): Promise<PipelineRow>;
  seedMs: number;
}

/** Three identically seeded stores for one rule count: Shequn's, the raw floor's and the batched floor's. */
async function setupPipeline(ruleCount: number, specs: readonly KeywordRuleSpec[], people: MemberSpec[], corpus: readonly MessageSpec[]): Promise<PipelineSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'shequn-bench-'));
  const opened: { close(): unknown }[] = [];
  const cleanup = async () => {
    for (const o of opened.reverse()) await o.close();
    opened.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t0 = now();
    const a = await seed(join(dir, 'shequn.sqlite'), specs, people);
    const seedMs = now() - t0;
    const fxA: Fixture = { dir, path: join(dir, 'shequn.sqlite'), people, ...a };
    opened.push(a.store);
    const rawFloor = async (file: string) => {
      const b = await seed(join(dir, file), specs, people);
      await b.store.close();
      const fx: Fixture = { dir, path: join(dir, file), people, ...b };
      const { raw } = openSqlite(fx.path);
      opened.push(raw);
      return { fx, db: raw, floor: new RawFloor(raw, fx) };
    };
    const B = await rawFloor('raw.sqlite');
    const C = await rawFloor('raw-batch.sqlite');
    const engine = new Engine(a.store, new Bus());
    engine.registerAccount(fxA.accountId, { workspaceId: fxA.workspaceId, kind: 'webchat' });

    const commitUs: number[] = [];
    const runners: Record<Peer, (start: number, count: number, tag: string) => Promise<void> | void> = {
      shequn: async (start, count, tag) => {
        for (let i = 0; i < count; i++) {
          const m = corpus[(start + i) % corpus.length]!;
          const r = await engine.ingest(messageEvent(fxA.accountId, fxA.platformGroupId, people[m.sender]!, frame(m, `${tag}-${i}`), Date.now()));
          if (r.duplicate || !r.messageId) throw new Error('pipeline: a fresh message was treated as a duplicate');
        }
      },
      raw: (start, count, tag) => {
        const { fx, floor } = B;
        floor.commitMs = 0;
        for (let i = 0; i < count; i++) {
          const m = corpus[(start + i) % corpus.length]!;
          const t = Date.now();
          floor.ingest(messageEvent(fx.accountId, fx.platformGroupId, people[m.sender]!, frame(m, `${tag}-${i}`), t), t);
        }
        commitUs.push((floor.commitMs * 1000) / count);
      },
      batch: (start, count, tag) => {
        const { fx, floor } = C;
        const batch: MessageEvent[] = [];
        for (let i = 0; i < count; i++) {
          const m = corpus[(start + i) % corpus.length]!;
          batch.push(messageEvent(fx.accountId, fx.platformGroupId, people[m.sender]!, frame(m, `${tag}-${i}`), Date.now()));
          if (batch.length === BATCH || i === count - 1) {
            floor.ingestMany(batch, Date.now());
            batch.length = 0;
          }
        }
      },
    };

    return {
      ruleCount,
      seedMs,
      async run(peer, start, count, tag) {
        const c = process.threadCpuUsage();
        const s = now();
        await runners[peer](start, count, tag);
        const perSec = (count / (now() - s)) * 1000;
        const cpu = process.threadCpuUsage(c);
        return { perSec, cpuUs: (cpu.user + cpu.system) / count };
      },
      async finish(reps, cpu, sent, firstMessageMs) {
        try {
          // All three stores must hold the same rows.
          const countA = async (table: 'messages' | 'outbox' | 'inbound_events') =>
            Number((await a.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
          const count = (db: DatabaseSync, sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
          const [msgA, outA, evA] = [await countA('messages'), await countA('outbox'), await countA('inbound_events')];
          const rawCounts = [B, C].map((x) => ({
            messages: count(x.db, 'SELECT count(*) AS n FROM messages'),
            outbox: count(x.db, 'SELECT count(*) AS n FROM outbox'),
            counters: count(x.db, 'SELECT sum(message_count) AS n FROM memberships'),
            intents: x.floor.intents,
          }));
          const [rb, rc] = rawCounts as [(typeof rawCounts)[0], (typeof rawCounts)[0]];
          const checks: BenchResult['checks'] = [
            {
              what: `${fmtInt(ruleCount)} rules: every message stored once, by each peer`,
              ok: msgA === sent && evA === sent && rawCounts.every((c) => c.messages === sent && c.counters === sent),
              detail: `${fmtInt(sent)} sent; Shequn ${fmtInt(msgA)} messages and ${fmtInt(evA)} events; raw floor ${fmtInt(rb.messages)} messages (membership counters ${fmtInt(rb.counters)}); batched ${fmtInt(rc.messages)} (${fmtInt(rc.counters)})`,
            },
            {
              what: `${fmtInt(ruleCount)} rules: the same intents in every outbox`,
              ok: outA > 0 && rawCounts.every((c) => c.outbox === outA && c.intents === outA),
              detail: `Shequn ${fmtInt(outA)}, raw floor ${fmtInt(rb.outbox)}, batched ${fmtInt(rc.outbox)} (${fmtPct(outA / sent)} of messages)`,
            },
          ];
          // The first raw run (one message) and the warm-up are not timed repetitions.
          const timedCommits = commitUs.slice(-reps.raw.length);
          return {
            rules: ruleCount,
            shequn: rateOf(reps.shequn, 0),
            raw: rateOf(reps.raw, 0),
            rawBatch: rateOf(reps.batch, 0),
            rawCommitUs: median(timedCommits),
            cpuUs: { shequn: median(cpu.shequn), raw: median(cpu.raw), batch: median(cpu.batch) },
            firstMessageMs,
            seedMs,
            messages: sent,
            intents: outA,
            checks,
          };
        } finally {
          await cleanup();
        }
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * All rule counts are set up first and then measured in turns: each repetition runs every rule
 * count and every peer, in rotating order, so drift over the run (disk write-back, a noisy
 * neighbour on the VM) spreads over all cells instead of landing on the last rule count.
 */
async function pipelines(allSpecs: readonly KeywordRuleSpec[], people: MemberSpec[], corpora: Map<number, MessageSpec[]>, cfg: Config): Promise<PipelineRow[]> {
  const setups: PipelineSetup[] = [];
  try {
    for (const count of RULE_COUNTS) {
      setups.push(await setupPipeline(count, allSpecs.slice(0, count), people, corpora.get(count)!));
      log(`pipeline, ${fmtInt(count)} rules: seeded in ${fmtMs(setups[setups.length - 1]!.seedMs)} ms per store`);
    }
    let cursor = 0;
    let sent = 0;
    // The first message of each loads and compiles the rules (listEffectiveRules + compileRules).
    const firstMs: number[] = [];
    for (const s of setups) {
      firstMs.push(1000 / (await s.run('shequn', cursor, 1, 'first')).perSec);
      for (const p of PEERS) if (p !== 'shequn') await s.run(p, cursor, 1, 'first');
    }
    cursor += 1;
    sent += 1;
    for (const s of setups) for (const p of PEERS) await s.run(p, cursor, cfg.pipelineWarmup, 'warm');
    cursor += cfg.pipelineWarmup;
    sent += cfg.pipelineWarmup;

    const reps = setups.map(() => ({ shequn: [] as number[], raw: [] as number[], batch: [] as number[] }));
    const cpu = setups.map(() => ({ shequn: [] as number[], raw: [] as number[], batch: [] as number[] }));
    for (let rep = 0; rep < cfg.pipelineReps; rep++) {
      for (let k = 0; k < setups.length; k++) {
        const si = (k + rep) % setups.length;
        for (let j = 0; j < PEERS.length; j++) {
          const peer = PEERS[(j + rep + k) % PEERS.length]!;
          collectGarbage();
          const r = await setups[si]!.run(peer, cursor, cfg.pipelineMsgs, `r${rep}`);
          reps[si]![peer].push(r.perSec);
          cpu[si]![peer].push(r.cpuUs);
        }
      }
      cursor += cfg.pipelineMsgs;
      sent += cfg.pipelineMsgs;
      log(`pipeline, repetition ${rep + 1}/${cfg.pipelineReps}: ${setups.map((s, i) => `${fmtInt(s.ruleCount)} rules ${fmtRate(reps[i]!.shequn[rep]!)}/s`).join(', ')}`);
    }
    const rows: PipelineRow[] = [];
    while (setups.length > 0) {
      const i = rows.length;
      rows.push(await setups.shift()!.finish(reps[i]!, cpu[i]!, sent, firstMs[i]!));
    }
    return rows;
  } finally {
    const none = { shequn: [], raw: [], batch: [] };
    for (const s of setups) await s.finish(none, none, 0, 0).catch(() => undefined);
  }
}

// ---- matching alone -----------------------------------------------------------------------------------

interface MatchRow {
  rules: number;
  keywords: number;
  naive: Rate;
  compiled: Rate;
  evaluate: Rate;
  buildMs: number;
  hitShare: number;
  disagreements: number;
  checked: number;
}

function matchingAt(ruleCount: number, specs: readonly KeywordRuleSpec[], people: MemberSpec[], corpus: readonly MessageSpec[], cfg: Config): MatchRow {
  const rules = specs.map((s, i) => toRule(s, i, 'bench-group'));
  const builds: number[] = [];
  let compiled = compileRules(rules);
  for (let i = 0; i < 3; i++) {
    const s = now();
    compiled = compileRules(rules);
    builds.push(now() - s);
  }
  const matcher = compiled.keywordMatcher;

  // The usual group-bot loop, given the same normalisation (once per message, keywords normalised
  // up front), so that it returns the same rules as the compiled matcher.
  const naive = rules.map((rule) => ({ rule, keywords: rule.conditions.flatMap((c) => c.keywords.map(normalizeKeywordText)) }));
  const naiveMatch = (text: string): Rule[] => {
    const t = normalizeKeywordText(text);
    const hits: Rule[] = [];
    for (const n of naive) {
      for (const k of n.keywords) {
        if (t.includes(k)) {
          hits.push(n.rule);
          break;
        }
      }
    }
    return hits;
  };

  const texts = corpus.map((m) => m.text);
  const events = corpus.map((m, i) => messageEvent('bench-account', 'bench-group', people[m.sender]!, frame(m, `m${i}`), SEED_TIME));
  const ctx: EvaluationContext = { group: { name: '读书会 Book club', rules: GROUP_RULES } };

  let disagreements = 0;
  let withHit = 0;
  const checked = Math.min(cfg.agreeCheck, texts.length);
  for (let i = 0; i < checked; i++) {
    const a = new Set(naiveMatch(texts[i]!).map((r) => r.id));
    const b = new Set(matcher.match(texts[i]!).map((h) => h.value.id));
    if (a.size !== b.size || [...a].some((id) => !b.has(id))) disagreements++;
  }
  for (const t of texts) if (matcher.match(t).length > 0) withHit++;

  let sink = 0;
  const n = texts.length;
  const o = { reps: cfg.matchReps, budgetMs: cfg.matchBudgetMs, maxItems: 50_000_000 };
  const naiveRate = measureSync((i) => (sink += naiveMatch(texts[i % n]!).length), o);
  const compiledRate = measureSync((i) => (sink += matcher.match(texts[i % n]!).length), o);
  const evaluateRate = measureSync((i) => (sink += evaluate(events[i % n]!, compiled, ctx).length), o);
  if (sink < 0) log('unreachable');
  return { rules: ruleCount, keywords: matcher.size, naive: naiveRate, compiled: compiledRate, evaluate: evaluateRate, buildMs: median(builds), hitShare: withHit / texts.length, disagreements, checked };
}

/** messageEvent alone (the webchat normalize step), for the cost breakdown. */
function normalizeRate(people: MemberSpec[], corpus: readonly MessageSpec[], cfg: Config): Rate {
  let sink = 0;
  const n = corpus.length;
  const r = measureSync(
    (i) => {
      const m = corpus[i % n]!;
      sink += messageEvent('bench-account', 'bench-group', people[m.sender]!, frame(m, `n${i}`), SEED_TIME).id.length;
    },
    { reps: cfg.matchReps, budgetMs: cfg.matchBudgetMs, maxItems: 50_000_000 },
  );
  if (sink < 0) log('unreachable');
  return r;
}

// ---- the benchmark ----------------------------------------------------------------------------------

const us = (r: Rate) => 1e6 / r.perSec;

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const started = now();
  const cfg = opts.quick ? QUICK : FULL;
  const allSpecs = keywordRules(Math.max(...RULE_COUNTS));
  const people = members(MEMBER_COUNT);

  const matchRows: MatchRow[] = [];
  const pipeRows: PipelineRow[] = [];
  const corpora = new Map<number, MessageSpec[]>();
  for (const count of RULE_COUNTS) {
    const specs = allSpecs.slice(0, count);
    corpora.set(count, messages(cfg.corpus, { keywords: specs.flatMap((s) => s.keywords), hitRate: HIT_RATE, memberCount: people.length }));
  }
  const norm = normalizeRate(people, corpora.get(RULE_COUNTS[0])!, cfg);
  log(`normalize (messageEvent): ${fmtRate(norm.perSec)} msgs/s`);
  for (const count of RULE_COUNTS) {
    collectGarbage();
    const row = matchingAt(count, allSpecs.slice(0, count), people, corpora.get(count)!, cfg);
    matchRows.push(row);
    log(`matching, ${count} rules: naive ${fmtRate(row.naive.perSec)}/s, compiled ${fmtRate(row.compiled.perSec)}/s, evaluate ${fmtRate(row.evaluate.perSec)}/s`);
  }
  collectGarbage();
  pipeRows.push(...(await pipelines(allSpecs, people, corpora, cfg)));

  const first = <T>(xs: T[]) => xs[0]!;
  const last = <T>(xs: T[]) => xs[xs.length - 1]!;
  const p10 = first(pipeRows);
  const p10k = last(pipeRows);
  const p1k = pipeRows.find((r) => r.rules === 1_000)!;
  const m10 = first(matchRows);
  const m10k = last(matchRows);

  const pipelineTable: Table = {
    title: 'Inbound pipeline, embedded store (SQLite WAL, synchronous=NORMAL), sequential, one core',
    columns: [
      'rules',
      'Shequn msgs/s',
      'µs/msg',
      'reps min–max',
      'raw node:sqlite floor msgs/s',
      'µs/msg',
      'Shequn / raw',
      `raw floor, ${BATCH} msgs per commit, msgs/s`,
      'Shequn / batched raw',
      'intents / msgs',
      'first msg (load + compile rules) ms',
    ],
    rows: pipeRows.map((r) => [
      fmtInt(r.rules),
      fmtRate(r.shequn.perSec),
      fmtUs(us(r.shequn)),
      fmtSpread(r.shequn.reps),
      fmtRate(r.raw.perSec),
      fmtUs(us(r.raw)),
      fmtRatio(r.shequn.perSec / r.raw.perSec),
      fmtRate(r.rawBatch.perSec),
      fmtRatio(r.shequn.perSec / r.rawBatch.perSec),
      fmtPct(r.intents / r.messages),
      fmtMs(r.firstMessageMs),
    ]),
    notes: [
      `Cost per message, 10,000 rules vs 10 rules: Shequn ${fmtRatio(us(p10k.shequn) / us(p10.shequn))}, raw floor ${fmtRatio(us(p10k.raw) / us(p10.raw))} (target: within 1.20×).`,
      `Shequn and the raw floor commit once per message, as Engine.ingest does. The batched raw floor (${BATCH} messages per transaction, a savepoint each) is not a peer of today's design: it shows what group commit would buy.`,
      `Every store grows from empty to ${fmtInt(p10.messages)} messages during the run, and the cost per message rises with the file (more index pages to touch and to checkpoint), so a short run (--quick) reads faster than this one.`,
      `Median of ${cfg.pipelineReps} timed repetitions of ${fmtInt(cfg.pipelineMsgs)} messages each per peer, after ${fmtInt(cfg.pipelineWarmup + 1)} warm-up messages. All nine stores (3 rule counts × 3 peers) are open together and each repetition runs every one of them, in rotating order, so drift during the run (disk write-back, a noisy neighbour) spreads over all cells.`,
    ],
  };

  const matchTable: Table = {
    title: 'Keyword matching alone (no I/O): naive loop vs compiled matcher, and the pipeline step compileRules + evaluate',
    columns: ['rules', 'keywords', 'naive loop msgs/s', 'KeywordMatcher msgs/s', 'matcher / naive', 'compileRules + evaluate msgs/s', 'µs/msg', 'compileRules ms', 'messages with a hit'],
    rows: matchRows.map((r) => [
      fmtInt(r.rules),
      fmtInt(r.keywords),
      fmtRate(r.naive.perSec),
      fmtRate(r.compiled.perSec),
      fmtRatio(r.compiled.perSec / r.naive.perSec),
      fmtRate(r.evaluate.perSec),
      fmtUs(us(r.evaluate)),
      fmtMs(r.buildMs),
      fmtPct(r.hitShare),
    ]),
    notes: [
      `Cost per message, 10,000 rules vs 10 rules: KeywordMatcher ${fmtRatio(us(m10k.compiled) / us(m10.compiled))}, compileRules + evaluate ${fmtRatio(us(m10k.evaluate) / us(m10.evaluate))}, naive loop ${fmtRatio(us(m10k.naive) / us(m10.naive))}.`,
      `Median of ${cfg.matchReps} time-bounded repetitions (${cfg.matchBudgetMs} ms each) after a warm-up; "messages with a hit" counted by KeywordMatcher over the whole corpus; the naive loop and the matcher are compared on the first ${fmtInt(first(matchRows).checked)} messages.`,
    ],
  };

  const breakdown: Table = {
    title: "Where a message's time goes (µs per message; medians from the tables above, so parts add up only roughly)",
    columns: ['rules', 'normalize (messageEvent)', 'compileRules + evaluate', 'raw floor: statements', 'raw floor: COMMIT', 'raw floor total', 'Shequn total', 'store layer + engine glue (Shequn − raw)'],
    rows: pipeRows.map((p, i) => {
      const m = matchRows[i]!;
      const statements = us(p.raw) - p.rawCommitUs - us(m.evaluate) - us(norm);
      return [fmtInt(p.rules), fmtUs(us(norm)), fmtUs(us(m.evaluate)), fmtUs(statements), fmtUs(p.rawCommitUs), fmtUs(us(p.raw)), fmtUs(us(p.shequn)), fmtUs(us(p.shequn) - us(p.raw))];
    }),
    notes: ['"raw floor: statements" is its total minus COMMIT, evaluate and normalize: the five or six prepared statements, JSON.stringify of the event and intents, and uuid generation.'],
  };

  const cpuTable: Table = {
    title: 'Cross-check: main-thread CPU time per message (µs), which a busy machine inflates less than wall time',
    columns: ['rules', 'Shequn wall', 'Shequn CPU', 'raw floor wall', 'raw floor CPU', 'batched floor wall', 'batched floor CPU', 'Shequn / raw by CPU'],
    rows: pipeRows.map((r) => [
      fmtInt(r.rules),
      fmtUs(us(r.shequn)),
      fmtUs(r.cpuUs.shequn),
      fmtUs(us(r.raw)),
      fmtUs(r.cpuUs.raw),
      fmtUs(us(r.rawBatch)),
      fmtUs(r.cpuUs.batch),
      fmtRatio(r.cpuUs.raw / r.cpuUs.shequn),
    ]),
    notes: [
      'CPU = user + system time of the benchmark thread (process.threadCpuUsage), so it includes the kernel work of SQLite\'s writes but not time spent waiting for a core or for fsync. Wall close to CPU: the run had the core to itself.',
    ],
  };

  const flat = (x: number) => x <= 1 + FLAT_WITHIN;
  const pipeFlat = us(p10k.shequn) / us(p10.shequn);
  const evalFlat = us(m10k.evaluate) / us(m10.evaluate);
  const matcherFlat = us(m10k.compiled) / us(m10.compiled);
  const verdicts: Verdict[] = [
    {
      what: `pipeline throughput vs DESIGN.md §6 (≥ ${fmtRate(TARGET_MSGS_PER_SEC)} msgs/s on one core, embedded store, 1,000 keyword rules)`,
      measured: `${fmtRate(p1k.shequn.perSec)} msgs/s at 1,000 rules (${fmtRatio(p1k.shequn.perSec / TARGET_MSGS_PER_SEC)} of the target); without the 20,000-word moderation step the target also includes, which is not built yet`,
      ok: p1k.shequn.perSec >= TARGET_MSGS_PER_SEC,
    },
    {
      what: 'pipeline cost per message flat from 10 to 10,000 rules (within 20 %)',
      measured: `${fmtRatio(pipeFlat)} (${fmtUs(us(p10.shequn))} → ${fmtUs(us(p10k.shequn))} µs)`,
      ok: flat(pipeFlat),
    },
    {
      what: 'compileRules + evaluate cost flat from 10 to 10,000 rules (within 20 %)',
      measured: `${fmtRatio(evalFlat)} (${fmtUs(us(m10.evaluate))} → ${fmtUs(us(m10k.evaluate))} µs)`,
      ok: flat(evalFlat),
    },
    {
      what: 'KeywordMatcher cost flat from 10 to 10,000 rules (within 20 %)',
      measured: `${fmtRatio(matcherFlat)} (${fmtUs(us(m10.compiled))} → ${fmtUs(us(m10k.compiled))} µs)`,
      ok: flat(matcherFlat),
    },
    {
      what: 'Shequn vs the raw node:sqlite floor (same rows, hand-written statements)',
      measured: pipeRows.map((r) => `${fmtInt(r.rules)} rules: ${fmtRatio(r.shequn.perSec / r.raw.perSec)}`).join('; '),
      ok: null,
    },
    {
      what: 'KeywordMatcher vs the naive includes loop',
      measured: matchRows.map((r) => `${fmtInt(r.rules)} rules: ${fmtRatio(r.compiled.perSec / r.naive.perSec)}`).join('; '),
      ok: null,
    },
  ];

  const checks: BenchResult['checks'] = [
    ...matchRows.map((r) => ({
      what: `${fmtInt(r.rules)} rules: naive loop and KeywordMatcher return the same rules`,
      ok: r.disagreements === 0,
      detail: `${r.disagreements} of ${fmtInt(r.checked)} messages differ`,
    })),
    ...pipeRows.flatMap((r) => r.checks),
  ];

  const method = [
    '- **What runs.** For each message: `messageEvent(…)` (the web community connector\'s normalize) builds the canonical event, then `new Engine(store, new Bus()).ingest(event)` runs the real pipeline: dedupe on the event id (insert into `inbound_events`), group and identity lookup, membership check and message counter, insert the message, `evaluate` the compiled rules, write the reply intents to the outbox, one transaction per message; messages are sent one after another (`await`), as a connector does.',
    `- **Store.** \`openStore({ kind: 'sqlite' })\` on a file in a fresh temp dir (WAL, synchronous=NORMAL, foreign keys on, as \`src/store/sqlite-driver.ts\` sets), migrated with \`migrateOrThrow\`. Seeded through the repos: one workspace with an owner, its webchat channel account, one group with ${MEMBER_COUNT} members (\`upsertIdentity\` + \`activateMembership\`), and the keyword rules (\`keywordReplyRule\` + \`insertRule\`; about 1 in 10 scoped to the group, the rest workspace-wide, 1–3 keywords each, priorities 0–5). Every message comes from a seeded member, so no identity is created on the hot path.`,
    `- **Data (seeded, identical on every run).** Keywords: 60 % Chinese words of 2–4 ideographs, 40 % English pseudo-words of 4–8 letters; the 10- and 1,000-rule sets are prefixes of the 10,000-rule set. Messages: ${fmtInt(cfg.corpus)} texts of 20–200 UTF-16 units mixing Chinese runs, English words (some capitalised), full- and half-width punctuation, digits and emoji (including a ZWJ sequence); ${fmtPct(HIT_RATE)} of them get a keyword of the current rule set written in (English ones capitalised 1 time in 3), and the filler alphabet is chosen so that other messages cannot hit by chance (see \`bench/lib/data.ts\`). So the share of messages that fire a rule, and write an outbox row, is the same at every rule count.`,
    '- **Peer (a): raw node:sqlite floor.** The same rows on a second, identically seeded file, written with hand-written prepared statements on `node:sqlite` with the same connection settings, one `BEGIN … COMMIT` per message: insert the event (with the same JSON payload), select the group, select the identity, update the membership counter, insert the message, evaluate the same compiled rules, insert the outbox rows for hits. It also runs `messageEvent`, so the ratio isolates the store layer (Kysely, the driver adapter) and the engine\'s glue. It skips what a careful hand-written version would skip: the separate membership read (`UPDATE … WHERE status = \'active\'` checks it) and building the bus notice.',
    '- **Peer (b): naive keyword loop.** What typical group bots do: for each rule, for each keyword, `text.includes(keyword)`. It gets the same normalisation as the matcher (`normalizeKeywordText` once per message, keywords normalised up front) so both return the same rules, which the run checks. KeywordMatcher is the double-array Aho–Corasick automaton (`@monyone/aho-corasick/fast`) that `compileRules` builds over all keywords.',
    '- **compileRules + evaluate** is the pipeline\'s rule step without I/O: `evaluate(event, compiled, ctx)` on prebuilt events (normalise, match, order candidates by priority, render the reply template for the winner).',
    '- **Timing.** Medians of timed repetitions after a warm-up, in one Node process started by `bench/run.ts` with `--expose-gc` (a GC between repetitions). Throughput is wall-clock messages per second on one thread; the machine has the cores listed above, and the SQLite WAL write happens on the same thread. Expect ±10–20 % between runs on a shared VM; only differences beyond that mean anything.',
  ];

  const m1k = matchRows.find((r) => r.rules === 1_000)!;
  const targetUs = 1e6 / TARGET_MSGS_PER_SEC;
  const findings = [
    `At 1,000 rules a message costs ${fmtUs(us(p1k.shequn))} µs in Shequn (${fmtRate(p1k.shequn.perSec)} msgs/s). The raw floor writes the same rows in ${fmtUs(us(p1k.raw))} µs, of which ${fmtUs(p1k.rawCommitUs)} µs is COMMIT. The target of ${fmtRate(TARGET_MSGS_PER_SEC)} msgs/s is ${fmtUs(targetUs)} µs per message, so ${us(p1k.raw) > targetUs ? 'not even a store layer with no overhead reaches it while every message commits on its own' : 'the floor shows it is reachable with one commit per message'}; the batched floor (${BATCH} messages per commit) does ${fmtRate(p1k.rawBatch.perSec)} msgs/s (${fmtUs(us(p1k.rawBatch))} µs).`,
    `Shequn's store layer and engine glue add ${fmtUs(us(p1k.shequn) - us(p1k.raw))} µs per message on top of the floor (Shequn / raw = ${fmtRatio(p1k.shequn.perSec / p1k.raw.perSec)}).`,
    `Keyword rules are not the bottleneck: compileRules + evaluate takes ${fmtUs(us(m1k.evaluate))} µs at 1,000 rules (${fmtPct(us(m1k.evaluate) / us(p1k.shequn))} of the pipeline) and ${fmtUs(us(m10k.evaluate))} µs at 10,000. The naive loop would take ${fmtUs(us(m10k.naive))} µs per message at 10,000 rules, ${fmtRatio(us(m10k.naive) / us(p10k.shequn))} the whole pipeline's cost today.`,
    `At 10 rules the naive loop is ${m10.naive.perSec > m10.compiled.perSec ? 'faster' : 'slower'} than the automaton (matcher / naive = ${fmtRatio(m10.compiled.perSec / m10.naive.perSec)}); both take a few µs there, and the automaton wins from 1,000 rules on (${fmtRatio(m1k.compiled.perSec / m1k.naive.perSec)}).`,
    `The first message after the rules change (Engine.invalidate) loads and compiles them inside its transaction: ${fmtMs(p10k.firstMessageMs)} ms at 10,000 rules, of which compileRules (synchronous: the event loop waits) is ${fmtMs(m10k.buildMs)} ms.`,
  ];

  const res: BenchResult = {
    name: 'pipeline',
    title: 'Inbound pipeline and keyword rules',
    method,
    tables: [pipelineTable, matchTable, breakdown, cpuTable],
    findings,
    verdicts,
    checks,
    elapsedMs: now() - started,
  };
  return res;
}

// `node bench/pipeline.ts [--quick]` runs this benchmark alone and prints its tables.
if (import.meta.main) {
  const result = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${textResult(result)}\n`);
}
