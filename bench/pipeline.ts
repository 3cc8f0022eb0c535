/**
 * The inbound pipeline benchmark: web community frame → normalize (messageEvent) → identity and
 * membership → store the message (de-duplicated on its platform id) → keyword rules → outbox
 * intents, on the embedded store (SQLite file, WAL), one core, in two modes:
 *
 *  - sequential: one ingest awaited at a time, as a single connector sends them; the engine is
 *    idle whenever a message arrives, so every message commits on its own;
 *  - concurrent: IN_FLIGHT ingests in flight (a fixed pool of async workers pulling from the
 *    message list), as a server with many connections sees them; the engine's group commit then
 *    puts the messages that arrive during a transaction into the next one.
 *
 * Peers, in the same process and run:
 *  (a) raw node:sqlite floor: the same rows written with hand-written prepared statements on the
 *      same connection settings; one transaction per message against the sequential mode, BATCH
 *      messages per transaction (a savepoint each) against the concurrent mode;
 *  (b) naive keyword loop: for each rule, for each keyword, text.includes(keyword), against the
 *      compiled matcher (KeywordMatcher), matching alone.
 *
 * `npm run bench` runs it with the others. Alone:
 *   node --expose-gc bench/pipeline.ts [--quick]                  prints the tables
 *   node bench/pipeline.ts --profile conc --rules 1000 [--messages 20000] [--out FILE]
 *       profiles one peer (seq | raw | conc | batch) at one rule count, only while it runs the
 *       timed messages, writes the V8 CPU profile and prints where the time went
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { sql } from 'kysely';
import { messageEvent } from '../src/connectors/webchat/normalize.ts';
import { WebchatConnector } from '../src/connectors/webchat/connector.ts';
import type { MessageEvent } from '../src/core/events.ts';
import { normalizeKeywordText } from '../src/core/matcher.ts';
import { compileRules, decide, isIntent, keywordReplyRule, type CompiledRules, type EvaluationContext, type Rule } from '../src/core/rules.ts';
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
import { profileSummary } from './lib/profile.ts';
import { textResult, type BenchOptions, type BenchResult, type Table, type Verdict } from './lib/report.ts';

const RULE_COUNTS = [10, 1_000, 10_000] as const;
const MEMBER_COUNT = 300;
const HIT_RATE = 0.05;
const TARGET_MSGS_PER_SEC = 20_000;
const FLAT_WITHIN = 0.2;
/** Concurrent mode: ingests in flight at once (async workers, each awaiting its own ingest). */
const IN_FLIGHT = 64;
/** The batched raw floor: messages per transaction. With IN_FLIGHT in flight, Shequn's group commit shares a commit among about as many. */
const BATCH = 64;
/** The connection settings both Shequn's and the floor's stores must have (src/store/sqlite-driver.ts). */
const PRAGMAS = ['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'wal_autocheckpoint', 'journal_size_limit'] as const;

interface Config {
  /** Distinct message texts generated (the pipeline and matcher cycle through them). */
  corpus: number;
  /** Messages per timed pipeline repetition (every peer), and in its warm-up. */
  pipelineMsgs: number;
  pipelineWarmup: number;
  pipelineReps: number;
  /** Matching: time budget per repetition. */
  matchBudgetMs: number;
  matchReps: number;
  /** Messages on which the naive loop and the compiled matcher are checked to agree. */
  agreeCheck: number;
}

const FULL: Config = { corpus: 20_000, pipelineMsgs: 6_000, pipelineWarmup: 1_500, pipelineReps: 7, matchBudgetMs: 400, matchReps: 5, agreeCheck: 1_000 };
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
 * with hand-written prepared statements on the same connection (openSqlite: WAL, synchronous=NORMAL,
 * foreign keys on, wal_autocheckpoint 10000, journal_size_limit 64 MB). Like the engine, it keeps
 * the group in memory (one lookup at start), writes no inbound_events row for a message (the
 * messages table de-duplicates it on its platform id) and counts the message with one UPDATE …
 * WHERE status = 'active'. Rules are evaluated with the same compiled rules, so the difference to
 * Shequn is the store layer and the engine's glue.
 */
export class RawFloor {
  readonly #db: DatabaseSync;
  readonly #fx: Fixture;
  readonly #compiled: CompiledRules;
  readonly #group: { id: string; name: string; rules: string };
  readonly #ctx: EvaluationContext;
  readonly #selIdentity: StatementSync;
  readonly #insMessage: StatementSync;
  readonly #updMembership: StatementSync;
  readonly #insOutbox: StatementSync;
  intents = 0;
  /** Time spent in COMMIT, in ms, and transactions committed (the caller resets both). */
  commitMs = 0;
  commits = 0;

  constructor(db: DatabaseSync, fx: Fixture) {
    this.#db = db;
    this.#fx = fx;
    this.#compiled = compileRules(fx.rules);
    const group = db.prepare('SELECT id, name, rules FROM groups WHERE channel_account_id = ? AND platform_group_id = ?').get(fx.accountId, fx.platformGroupId) as
      | { id: string; name: string; rules: string }
      | undefined;
    if (!group) throw new Error('raw floor: the seeded group is missing');
    this.#group = group;
    this.#ctx = { group: { name: group.name, rules: group.rules } };
    this.#selIdentity = db.prepare('SELECT id, contact_id, display_name, is_bot, platform_user_id FROM identities WHERE channel_account_id = ? AND platform_user_id = ?');
    this.#insMessage = db.prepare(
      'INSERT INTO messages (id, workspace_id, channel_account_id, group_id, identity_id, direction, platform_message_id, content_type, text, mentions, reply_to_id, event_id, outbox_id, created_at) ' +
        "VALUES (?, ?, ?, ?, ?, 'in', ?, ?, ?, ?, NULL, ?, NULL, ?) ON CONFLICT (channel_account_id, platform_message_id) DO NOTHING",
    );
    this.#updMembership = db.prepare("UPDATE memberships SET message_count = message_count + 1, last_message_at = ? WHERE group_id = ? AND identity_id = ? AND status = 'active'");
    this.#insOutbox = db.prepare(
      'INSERT INTO outbox (id, workspace_id, idempotency_key, channel_account_id, group_id, rule_id, kind, payload, message_id, priority, status, attempts, next_attempt_at, last_error, created_at, updated_at) ' +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 10, 'pending', 0, ?, NULL, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    );
  }

  /** One message, one transaction (the sequential mode's peer). */
  ingest(event: MessageEvent, t: number): void {
    const db = this.#db;
    db.exec('BEGIN');
    try {
      this.#write(event, t);
      this.#commit();
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }

  /** Several messages in one transaction, each inside its own savepoint so one bad message would not undo the others (the concurrent mode's peer). */
  ingestMany(events: readonly MessageEvent[], t: number): void {
    const db = this.#db;
    db.exec('BEGIN');
    try {
      for (const event of events) {
        db.exec('SAVEPOINT m');
        this.#write(event, t);
        db.exec('RELEASE m');
      }
      this.#commit();
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }

  #commit(): void {
    const c = now();
    this.#db.exec('COMMIT');
    this.commitMs += now() - c;
    this.commits++;
  }

  #write(event: MessageEvent, t: number): void {
    const ws = this.#fx.workspaceId;
    const group = this.#group;
    const identity = this.#selIdentity.get(event.channelAccountId, event.sender.platformUserId) as { id: string; display_name: string } | undefined;
    if (!identity || identity.display_name !== event.sender.displayName) throw new Error('raw floor: the bench only sends messages from seeded members, under their seeded names');
    const inserted = this.#insMessage.run(newId(), ws, event.channelAccountId, group.id, identity.id, event.platformMessageId, event.content.type, event.content.text, JSON.stringify(event.content.mentions), event.id, t);
    if (inserted.changes === 0) throw new Error(`raw floor: duplicate message ${event.platformMessageId}`);
    if (this.#updMembership.run(t, group.id, identity.id).changes === 0) throw new Error('raw floor: sender is not an active member');
    // The bench's rules only reply: every decision is an intent.
    const intents = decide(event, this.#compiled, this.#ctx).filter(isIntent);
    for (const k of intents) {
      this.#insOutbox.run(newId(), ws, k.idempotencyKey, k.intent.channelAccountId, group.id, k.ruleId, k.intent.kind, JSON.stringify(k.intent), t, t, t);
    }
    this.intents += intents.length;
  }
}

// ---- the pipeline at one rule count -----------------------------------------------------------------

/** seq: Shequn, one ingest at a time; raw: the floor, one message per commit; conc: Shequn, IN_FLIGHT ingests in flight; batch: the floor, BATCH per commit. */
type Peer = 'seq' | 'raw' | 'conc' | 'batch';
const PEERS: readonly Peer[] = ['seq', 'raw', 'conc', 'batch'];
const PEER_NAMES: Record<Peer, string> = {
  seq: 'Shequn, sequential',
  raw: 'raw floor, 1 per commit',
  conc: `Shequn, ${IN_FLIGHT} in flight`,
  batch: `raw floor, ${BATCH} per commit`,
};
const perPeer = <T>(f: (p: Peer) => T): Record<Peer, T> => ({ seq: f('seq'), raw: f('raw'), conc: f('conc'), batch: f('batch') });

interface PipelineRow {
  rules: number;
  rate: Record<Peer, Rate>;
  /** Main-thread CPU µs per message (median over the repetitions). */
  cpuUs: Record<Peer, number>;
  /** µs per message spent in COMMIT by the floors (median over the repetitions; NaN for Shequn). */
  commitUs: Record<Peer, number>;
  /** Messages per transaction over the timed repetitions (Shequn: counted at Store.transaction). */
  perCommit: Record<Peer, number>;
  firstMessageMs: number;
  seedMs: number;
  messages: number;
  intents: number;
  checks: BenchResult['checks'];
}

const frame = (m: MessageSpec, tag: string) => ({ clientMessageId: tag, text: m.text, mentions: [] });

interface RunResult {
  count: number;
  perSec: number;
  cpuUs: number;
  commitUs: number;
  commits: number;
}

interface PipelineSetup {
  ruleCount: number;
  /** Runs `count` fresh messages (corpus from `start`) through one peer: messages per second, main-thread CPU µs and COMMIT µs per message, transactions. */
  run(peer: Peer, start: number, count: number, tag: string): Promise<RunResult>;
  /** Rows counted, files closed and removed. */
  finish(reps: Record<Peer, RunResult[]>, sent: number, firstMessageMs: number): Promise<PipelineRow>;
  seedMs: number;
}

/** One value from a one-row query, on a Kysely store or a raw connection. */
type Get = (sqlText: string) => Promise<unknown>;
const kyselyGet =
  (store: Store): Get =>
  async (text) => {
    const row = (await sql.raw<Record<string, unknown>>(text).execute(store.db)).rows[0];
    return row === undefined ? undefined : Object.values(row)[0];
  };
const rawGet =
  (db: DatabaseSync): Get =>
  async (text) => {
    const row = db.prepare(text).get();
    return row === undefined ? undefined : Object.values(row)[0];
  };

/** Four identically seeded stores for one rule count, one per peer. */
async function setupPipeline(ruleCount: number, specs: readonly KeywordRuleSpec[], people: MemberSpec[], corpus: readonly MessageSpec[]): Promise<PipelineSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'shequn-bench-'));
  const opened: { close(): unknown }[] = [];
  const cleanup = async () => {
    for (const o of opened.reverse()) await o.close();
    opened.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const seedTimes: number[] = [];
    const shequn = async (file: string) => {
      const t0 = now();
      const s = await seed(join(dir, file), specs, people);
      seedTimes.push(now() - t0);
      opened.push(s.store);
      const fx: Fixture = { dir, path: join(dir, file), people, ...s };
      // Counts the engine's transactions, to show how many events group commit puts in each.
      const tally = { commits: 0 };
      const counted: Store = {
        ...s.store,
        transaction: (fn) => {
          tally.commits++;
          return s.store.transaction(fn);
        },
      };
      const engine = new Engine(counted, new Bus());
      engine.registerAccount(fx.accountId, { workspaceId: fx.workspaceId, kind: 'webchat', capabilities: new WebchatConnector('bench', 'bot').capabilities });
      return { fx, engine, tally, get: kyselyGet(s.store) };
    };
    const rawFloor = async (file: string) => {
      const b = await seed(join(dir, file), specs, people);
      await b.store.close();
      const fx: Fixture = { dir, path: join(dir, file), people, ...b };
      const { raw } = openSqlite(fx.path);
      opened.push(raw);
      return { fx, floor: new RawFloor(raw, fx), get: rawGet(raw) };
    };
    const S = await shequn('shequn-seq.sqlite');
    const R = await rawFloor('raw.sqlite');
    const C = await shequn('shequn-conc.sqlite');
    const B = await rawFloor('raw-batch.sqlite');
    const event = (fx: Fixture, m: MessageSpec, tag: string) => messageEvent(fx.accountId, fx.platformGroupId, people[m.sender]!, frame(m, tag), Date.now());
    const fresh = (r: { duplicate: boolean; messageId?: string }) => {
      if (r.duplicate || !r.messageId) throw new Error('pipeline: a fresh message was treated as a duplicate');
    };

    const runners: Record<Peer, (start: number, count: number, tag: string) => Promise<void> | void> = {
      seq: async (start, count, tag) => {
        for (let i = 0; i < count; i++) fresh(await S.engine.ingest(event(S.fx, corpus[(start + i) % corpus.length]!, `${tag}-${i}`)));
      },
      raw: (start, count, tag) => {
        for (let i = 0; i < count; i++) {
          const t = Date.now();
          R.floor.ingest(event(R.fx, corpus[(start + i) % corpus.length]!, `${tag}-${i}`), t);
        }
      },
      conc: async (start, count, tag) => {
        // A fixed pool of workers pulling from the list: IN_FLIGHT ingests are always pending.
        let next = 0;
        const worker = async () => {
          while (next < count) {
            const i = next++;
            fresh(await C.engine.ingest(event(C.fx, corpus[(start + i) % corpus.length]!, `${tag}-${i}`)));
          }
        };
        await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
      },
      batch: (start, count, tag) => {
        const batch: MessageEvent[] = [];
        for (let i = 0; i < count; i++) {
          batch.push(event(B.fx, corpus[(start + i) % corpus.length]!, `${tag}-${i}`));
          if (batch.length === BATCH || i === count - 1) {
            B.floor.ingestMany(batch, Date.now());
            batch.length = 0;
          }
        }
      },
    };
    const tallies: Record<Peer, () => { commits: number; commitMs: number }> = {
      seq: () => ({ commits: S.tally.commits, commitMs: Number.NaN }),
      conc: () => ({ commits: C.tally.commits, commitMs: Number.NaN }),
      raw: () => ({ commits: R.floor.commits, commitMs: R.floor.commitMs }),
      batch: () => ({ commits: B.floor.commits, commitMs: B.floor.commitMs }),
    };

    return {
      ruleCount,
      seedMs: median(seedTimes),
      async run(peer, start, count, tag) {
        const before = tallies[peer]();
        const c = process.threadCpuUsage();
        const s = now();
        await runners[peer](start, count, tag);
        const perSec = (count / (now() - s)) * 1000;
        const cpu = process.threadCpuUsage(c);
        const after = tallies[peer]();
        return { count, perSec, cpuUs: (cpu.user + cpu.system) / count, commitUs: ((after.commitMs - before.commitMs) * 1000) / count, commits: after.commits - before.commits };
      },
      async finish(reps, sent, firstMessageMs) {
        try {
          const stores: Record<Peer, { get: Get; intents: number | null }> = {
            seq: { get: S.get, intents: null },
            raw: { get: R.get, intents: R.floor.intents },
            conc: { get: C.get, intents: null },
            batch: { get: B.get, intents: B.floor.intents },
          };
          const counts: Record<string, { messages: number; counters: number; events: number; outbox: number; pragmas: string }> = {};
          for (const p of PEERS) {
            const get = stores[p].get;
            const pragmas: string[] = [];
            for (const name of PRAGMAS) pragmas.push(`${name}=${String(await get(`PRAGMA ${name}`))}`);
            counts[p] = {
              messages: Number(await get('SELECT count(*) AS n FROM messages')),
              counters: Number(await get('SELECT sum(message_count) AS n FROM memberships')),
              events: Number(await get('SELECT count(*) AS n FROM inbound_events')),
              outbox: Number(await get('SELECT count(*) AS n FROM outbox')),
              pragmas: pragmas.join(', '),
            };
          }
          const c = counts as Record<Peer, (typeof counts)[string]>;
          const each = (f: (p: Peer) => string) => PEERS.map((p) => `${PEER_NAMES[p]} ${f(p)}`).join('; ');
          const timed = (p: Peer) => reps[p].reduce((n, r) => n + r.commits, 0);
          const checks: BenchResult['checks'] = [
            {
              what: `${fmtInt(ruleCount)} rules: every message stored and counted once, by each peer`,
              ok: PEERS.every((p) => c[p].messages === sent && c[p].counters === sent),
              detail: `${fmtInt(sent)} sent; ${each((p) => `${fmtInt(c[p].messages)} (membership counters ${fmtInt(c[p].counters)})`)}`,
            },
            {
              what: `${fmtInt(ruleCount)} rules: the same rows everywhere: no inbound_events row for a message, the same intents in every outbox`,
              ok: PEERS.every((p) => c[p].events === 0 && c[p].outbox === c.seq.outbox && (stores[p].intents ?? c[p].outbox) === c[p].outbox) && c.seq.outbox > 0,
              detail: `inbound_events rows: ${PEERS.map((p) => fmtInt(c[p].events)).join(' / ')}; outbox rows: ${each((p) => fmtInt(c[p].outbox))} (${fmtPct(c.seq.outbox / sent)} of messages)`,
            },
            {
              what: `${fmtInt(ruleCount)} rules: the same connection settings on all four stores (src/store/sqlite-driver.ts)`,
              ok: PEERS.every((p) => c[p].pragmas === c.seq.pragmas) && c.seq.pragmas.includes('wal_autocheckpoint=10000') && c.seq.pragmas.includes('journal_mode=wal'),
              detail: PEERS.every((p) => c[p].pragmas === c.seq.pragmas) ? c.seq.pragmas : each((p) => c[p].pragmas),
            },
            {
              what: `${fmtInt(ruleCount)} rules: sequential Shequn committed every message alone; ${IN_FLIGHT} in flight shared commits (at most 256 each)`,
              ok: S.tally.commits === sent && C.tally.commits < sent && C.tally.commits * 256 >= sent,
              detail: `transactions over the whole run: sequential ${fmtInt(S.tally.commits)}, concurrent ${fmtInt(C.tally.commits)} for ${fmtInt(sent)} messages each`,
            },
          ];
          const med = (p: Peer, f: (r: RunResult) => number) => median(reps[p].map(f));
          return {
            rules: ruleCount,
            rate: perPeer((p) => rateOf(reps[p].map((r) => r.perSec), 0)),
            cpuUs: perPeer((p) => med(p, (r) => r.cpuUs)),
            commitUs: perPeer((p) => med(p, (r) => r.commitUs)),
            perCommit: perPeer((p) => {
              const commits = timed(p);
              return commits === 0 ? Number.NaN : reps[p].reduce((n, r) => n + r.count, 0) / commits;
            }),
            firstMessageMs,
            seedMs: median(seedTimes),
            messages: sent,
            intents: c.seq.outbox,
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
    // The first message of each store loads and compiles the rules (listEffectiveRules + compileRules).
    const firstMs: number[] = [];
    for (const s of setups) {
      firstMs.push(1000 / (await s.run('seq', cursor, 1, 'first')).perSec);
      for (const p of PEERS) if (p !== 'seq') await s.run(p, cursor, 1, 'first');
    }
    cursor += 1;
    sent += 1;
    for (const s of setups) for (const p of PEERS) await s.run(p, cursor, cfg.pipelineWarmup, 'warm');
    cursor += cfg.pipelineWarmup;
    sent += cfg.pipelineWarmup;

    const reps = setups.map(() => perPeer((): RunResult[] => []));
    for (let rep = 0; rep < cfg.pipelineReps; rep++) {
      for (let k = 0; k < setups.length; k++) {
        const si = (k + rep) % setups.length;
        for (let j = 0; j < PEERS.length; j++) {
          const peer = PEERS[(j + rep + k) % PEERS.length]!;
          collectGarbage();
          reps[si]![peer].push(await setups[si]!.run(peer, cursor, cfg.pipelineMsgs, `r${rep}`));
        }
      }
      cursor += cfg.pipelineMsgs;
      sent += cfg.pipelineMsgs;
      log(
        `pipeline, repetition ${rep + 1}/${cfg.pipelineReps}: ${setups.map((s, i) => `${fmtInt(s.ruleCount)} rules ${fmtRate(reps[i]!.seq[rep]!.perSec)}/s sequential, ${fmtRate(reps[i]!.conc[rep]!.perSec)}/s concurrent`).join('; ')}`,
      );
    }
    const rows: PipelineRow[] = [];
    while (setups.length > 0) {
      const i = rows.length;
      rows.push(await setups.shift()!.finish(reps[i]!, sent, firstMs[i]!));
    }
    return rows;
  } finally {
    for (const s of setups) await s.finish(perPeer(() => []), 0, 0).catch(() => undefined);
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
  const naive = rules.map((rule) => ({ rule, keywords: rule.conditions.flatMap((c) => (c.type === 'keyword' ? c.keywords.map(normalizeKeywordText) : [])) }));
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
  const evaluateRate = measureSync((i) => (sink += decide(events[i % n]!, compiled, ctx).length), o);
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
/** max / min of a cell's repetitions. */
const spreadOf = (r: Rate) => Math.max(...r.reps) / Math.min(...r.reps);

function corporaFor(allSpecs: readonly KeywordRuleSpec[], people: readonly MemberSpec[], cfg: Config, counts: readonly number[]): Map<number, MessageSpec[]> {
  const corpora = new Map<number, MessageSpec[]>();
  for (const count of counts) {
    const specs = allSpecs.slice(0, count);
    corpora.set(count, messages(cfg.corpus, { keywords: specs.flatMap((s) => s.keywords), hitRate: HIT_RATE, memberCount: people.length }));
  }
  return corpora;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const started = now();
  const cfg = opts.quick ? QUICK : FULL;
  const allSpecs = keywordRules(Math.max(...RULE_COUNTS));
  const people = members(MEMBER_COUNT);

  const matchRows: MatchRow[] = [];
  const pipeRows: PipelineRow[] = [];
  const corpora = corporaFor(allSpecs, people, cfg, RULE_COUNTS);
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
  const m1k = matchRows.find((r) => r.rules === 1_000)!;
  const flatOf = (p: Peer) => us(p10k.rate[p]) / us(p10.rate[p]);
  const widest = (peers: readonly Peer[]) => {
    let w = { x: 0, what: '' };
    for (const r of pipeRows) for (const p of peers) if (spreadOf(r.rate[p]) > w.x) w = { x: spreadOf(r.rate[p]), what: `${PEER_NAMES[p]} at ${fmtInt(r.rules)} rules` };
    return `${fmtRatio(w.x)} (${w.what})`;
  };
  const repsNote = `Median of ${cfg.pipelineReps} timed repetitions of ${fmtInt(cfg.pipelineMsgs)} messages each per peer, after ${fmtInt(cfg.pipelineWarmup + 1)} warm-up messages. All twelve stores (3 rule counts × 4 peers: Shequn sequential, raw floor, Shequn concurrent, batched raw floor) are open together and each repetition runs every one of them, in rotating order, so drift during the run (disk write-back, a noisy neighbour) spreads over all cells.`;

  const seqTable: Table = {
    title: 'Inbound pipeline, sequential: one ingest awaited at a time, so every message commits alone; embedded store (SQLite WAL, synchronous=NORMAL), one core',
    columns: ['rules', 'Shequn msgs/s', 'µs/msg', 'reps min–max', 'raw node:sqlite floor msgs/s', 'µs/msg', 'reps min–max', 'Shequn / raw', 'intents / msgs', 'first msg (load + compile rules) ms'],
    rows: pipeRows.map((r) => [
      fmtInt(r.rules),
      fmtRate(r.rate.seq.perSec),
      fmtUs(us(r.rate.seq)),
      fmtSpread(r.rate.seq.reps),
      fmtRate(r.rate.raw.perSec),
      fmtUs(us(r.rate.raw)),
      fmtSpread(r.rate.raw.reps),
      fmtRatio(r.rate.seq.perSec / r.rate.raw.perSec),
      fmtPct(r.intents / r.messages),
      fmtMs(r.firstMessageMs),
    ]),
    notes: [
      `Cost per message, 10,000 rules vs 10 rules: Shequn ${fmtRatio(flatOf('seq'))}, raw floor ${fmtRatio(flatOf('raw'))} (target: within 1.20×).`,
      'A connector that awaits each ingest before sending the next (or an idle server) gives the engine one event at a time, so each is its own transaction; the raw floor also commits once per message.',
      `Widest spread of a cell's repetitions (fastest / slowest): ${widest(['seq', 'raw'])}.`,
      `Every store grows from empty to ${fmtInt(p10.messages)} messages during the run, and the cost per message rises with the file (more index pages to touch and to checkpoint), so a short run (--quick) reads faster than this one.`,
      repsNote,
    ],
  };

  const concTable: Table = {
    title: `Inbound pipeline, concurrent: ${IN_FLIGHT} ingests in flight (Shequn's group commit), against the raw floor at ${BATCH} messages per commit; same store and core`,
    columns: [
      'rules',
      'Shequn msgs/s',
      'µs/msg',
      'reps min–max',
      'events per commit',
      `raw floor, ${BATCH} per commit, msgs/s`,
      'µs/msg',
      'reps min–max',
      'Shequn / batched raw',
      'Shequn concurrent / sequential',
    ],
    rows: pipeRows.map((r) => [
      fmtInt(r.rules),
      fmtRate(r.rate.conc.perSec),
      fmtUs(us(r.rate.conc)),
      fmtSpread(r.rate.conc.reps),
      r.perCommit.conc.toFixed(1),
      fmtRate(r.rate.batch.perSec),
      fmtUs(us(r.rate.batch)),
      fmtSpread(r.rate.batch.reps),
      fmtRatio(r.rate.conc.perSec / r.rate.batch.perSec),
      fmtRatio(r.rate.conc.perSec / r.rate.seq.perSec),
    ]),
    notes: [
      `Cost per message, 10,000 rules vs 10 rules: Shequn ${fmtRatio(flatOf('conc'))}, batched raw floor ${fmtRatio(flatOf('batch'))} (target: within 1.20×).`,
      `A fixed pool of ${IN_FLIGHT} async workers pulls messages from the list; each awaits its own Engine.ingest, so ${IN_FLIGHT} are always pending, as on a server with many connections. The engine commits the events that arrived while a transaction ran in the next one (at most 256); "events per commit" is messages / Store.transaction calls over the timed repetitions. The batched raw floor writes ${BATCH} messages per BEGIN … COMMIT with a SAVEPOINT … RELEASE around each (the engine uses no savepoints: when a shared commit fails it retries each event alone).`,
      `Widest spread of a cell's repetitions (fastest / slowest): ${widest(['conc', 'batch'])}. With ${BATCH} messages per commit the WAL grows slowly, so a checkpoint (every 10,000 WAL pages) lands in only some repetitions.`,
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

  const modes = [
    { name: 'sequential', shequn: 'seq', floor: 'raw' },
    { name: 'concurrent', shequn: 'conc', floor: 'batch' },
  ] as const;
  const breakdown: Table = {
    title: "Where a message's time goes (µs per message; medians from the tables above, so parts add up only roughly)",
    columns: ['rules', 'mode (floor)', 'normalize (messageEvent)', 'compileRules + evaluate', 'floor: statements', 'floor: COMMIT', 'floor total', 'Shequn total', 'store layer + engine glue (Shequn − floor)'],
    rows: pipeRows.flatMap((p, i) => {
      const m = matchRows[i]!;
      return modes.map((mode) => {
        const floorUs = us(p.rate[mode.floor]);
        const statements = floorUs - p.commitUs[mode.floor] - us(m.evaluate) - us(norm);
        return [
          fmtInt(p.rules),
          `${mode.name} (${mode.floor === 'raw' ? '1' : BATCH} per commit)`,
          fmtUs(us(norm)),
          fmtUs(us(m.evaluate)),
          fmtUs(statements),
          fmtUs(p.commitUs[mode.floor]),
          fmtUs(floorUs),
          fmtUs(us(p.rate[mode.shequn])),
          fmtUs(us(p.rate[mode.shequn]) - floorUs),
        ];
      });
    }),
    notes: [
      '"floor: statements" is the floor\'s total minus COMMIT, evaluate and normalize: its four prepared statements (five when a rule fires), the savepoints in the batched floor, JSON.stringify of the mentions and intents, and uuid generation. "floor: COMMIT" is the time in COMMIT divided by the messages it committed.',
    ],
  };

  const cpuTable: Table = {
    title: 'Cross-check: main-thread CPU time per message (µs), which a busy machine inflates less than wall time',
    columns: ['rules', 'mode (floor)', 'Shequn wall', 'Shequn CPU', 'floor wall', 'floor CPU', 'Shequn / floor by CPU'],
    rows: pipeRows.flatMap((r) =>
      modes.map((mode) => [
        fmtInt(r.rules),
        `${mode.name} (${mode.floor === 'raw' ? '1' : BATCH} per commit)`,
        fmtUs(us(r.rate[mode.shequn])),
        fmtUs(r.cpuUs[mode.shequn]),
        fmtUs(us(r.rate[mode.floor])),
        fmtUs(r.cpuUs[mode.floor]),
        fmtRatio(r.cpuUs[mode.floor] / r.cpuUs[mode.shequn]),
      ]),
    ),
    notes: [
      "CPU = user + system time of the benchmark thread (process.threadCpuUsage), so it includes the kernel work of SQLite's writes but not time spent waiting for a core or for fsync. Wall close to CPU: the run had the core to itself.",
    ],
  };

  // The target is checked on the better of the two modes, and says which one it was.
  const best = p1k.rate.conc.perSec >= p1k.rate.seq.perSec ? ('conc' as const) : ('seq' as const);
  const other = best === 'conc' ? ('seq' as const) : ('conc' as const);
  const modeText = (p: 'seq' | 'conc') => (p === 'conc' ? `concurrent mode (${IN_FLIGHT} ingests in flight, group commit: ${p1k.perCommit.conc.toFixed(1)} events per commit)` : 'sequential mode (one ingest at a time, one commit per message)');
  const flat = (x: number) => x <= 1 + FLAT_WITHIN;
  const evalFlat = us(m10k.evaluate) / us(m10.evaluate);
  const matcherFlat = us(m10k.compiled) / us(m10.compiled);
  const verdicts: Verdict[] = [
    {
      what: `pipeline throughput vs DESIGN.md §6 (≥ ${fmtRate(TARGET_MSGS_PER_SEC)} msgs/s on one core, embedded store, 1,000 keyword rules), the better of the two modes`,
      measured: `${fmtRate(p1k.rate[best].perSec)} msgs/s at 1,000 rules in the ${modeText(best)}, ${fmtRatio(p1k.rate[best].perSec / TARGET_MSGS_PER_SEC)} of the target; the ${other === 'seq' ? 'sequential' : 'concurrent'} mode: ${fmtRate(p1k.rate[other].perSec)} msgs/s. The target also includes a 20,000-word moderation step: the pipeline runs it, but this benchmark seeds no word list yet (the matcher alone, at 20,000 words, is under the moderation benchmark)`,
      ok: p1k.rate[best].perSec >= TARGET_MSGS_PER_SEC,
    },
    {
      what: 'pipeline cost per message flat from 10 to 10,000 rules (within 20 %), sequential',
      measured: `${fmtRatio(flatOf('seq'))} (${fmtUs(us(p10.rate.seq))} → ${fmtUs(us(p10k.rate.seq))} µs)`,
      ok: flat(flatOf('seq')),
    },
    {
      what: `pipeline cost per message flat from 10 to 10,000 rules (within 20 %), concurrent (${IN_FLIGHT} in flight)`,
      measured: `${fmtRatio(flatOf('conc'))} (${fmtUs(us(p10.rate.conc))} → ${fmtUs(us(p10k.rate.conc))} µs)`,
      ok: flat(flatOf('conc')),
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
      measured: `sequential vs 1 per commit: ${pipeRows.map((r) => `${fmtInt(r.rules)} rules ${fmtRatio(r.rate.seq.perSec / r.rate.raw.perSec)}`).join(', ')}; ${IN_FLIGHT} in flight vs ${BATCH} per commit: ${pipeRows.map((r) => `${fmtInt(r.rules)} rules ${fmtRatio(r.rate.conc.perSec / r.rate.batch.perSec)}`).join(', ')}`,
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
    `- **What runs.** For each message: \`messageEvent(…)\` (the web community connector's normalize) builds the canonical event, then \`new Engine(store, new Bus()).ingest(event)\` runs the real pipeline: group from the engine's cache, identity lookup, insert the message (de-duplicated on its platform id by the \`messages\` table; a message writes no \`inbound_events\` row), count it on the sender's membership (one \`UPDATE … WHERE status = 'active'\`), \`evaluate\` the compiled rules, write the reply intents to the outbox. **Sequential mode:** messages are sent one after another (\`await\`), as one connector does; the engine is idle when each arrives, so each commits alone. **Concurrent mode:** ${IN_FLIGHT} async workers each await their own ingest, so ${IN_FLIGHT} are always in flight, as on a server with many connections; the engine's group commit puts the events that arrive during a transaction into the next one (order kept, at most 256 per commit).`,
    `- **Store.** \`openStore({ kind: 'sqlite' })\` on a file in a fresh temp dir (WAL, synchronous=NORMAL, foreign keys on, wal_autocheckpoint 10,000 pages, journal_size_limit 64 MB, as \`src/store/sqlite-driver.ts\` sets; the run checks that all four stores of a rule count report the same pragmas), migrated with \`migrateOrThrow\`. Each peer has its own store. Seeded through the repos: one workspace with an owner, its webchat channel account, one group with ${MEMBER_COUNT} members (\`upsertIdentity\` + \`activateMembership\`), and the keyword rules (\`keywordReplyRule\` + \`insertRule\`; about 1 in 10 scoped to the group, the rest workspace-wide, 1–3 keywords each, priorities 0–5). Every message comes from a seeded member, so no identity is created on the hot path.`,
    `- **Data (seeded, identical on every run).** Keywords: 60 % Chinese words of 2–4 ideographs, 40 % English pseudo-words of 4–8 letters; the 10- and 1,000-rule sets are prefixes of the 10,000-rule set. Messages: ${fmtInt(cfg.corpus)} texts of 20–200 UTF-16 units mixing Chinese runs, English words (some capitalised), full- and half-width punctuation, digits and emoji (including a ZWJ sequence); ${fmtPct(HIT_RATE)} of them get a keyword of the current rule set written in (English ones capitalised 1 time in 3), and the filler alphabet is chosen so that other messages cannot hit by chance (see \`bench/lib/data.ts\`). So the share of messages that fire a rule, and write an outbox row, is the same at every rule count.`,
    `- **Peer (a): raw node:sqlite floor.** The same rows on its own identically seeded file, written with hand-written prepared statements on \`node:sqlite\` through the same \`openSqlite\` (so the same pragmas): select the identity, insert the message (\`ON CONFLICT … DO NOTHING\`, no \`inbound_events\` row), update the membership counter, evaluate the same compiled rules, insert the outbox rows for hits; the group is looked up once, as the engine caches it. It also runs \`messageEvent\`, so the ratio isolates the store layer (Kysely, the driver adapter) and the engine's glue. Against the sequential mode it commits once per message; against the concurrent mode it writes ${BATCH} messages per transaction, each inside \`SAVEPOINT … RELEASE\`. It skips what a careful hand-written version would skip: building the bus notice and the \`RETURNING\` on the outbox insert.`,
    "- **Peer (b): naive keyword loop.** What typical group bots do: for each rule, for each keyword, `text.includes(keyword)`. It gets the same normalisation as the matcher (`normalizeKeywordText` once per message, keywords normalised up front) so both return the same rules, which the run checks. KeywordMatcher is the double-array Aho–Corasick automaton (`@monyone/aho-corasick/fast`) that `compileRules` builds over all keywords.",
    "- **compileRules + evaluate** is the pipeline's rule step without I/O: `evaluate(event, compiled, ctx)` on prebuilt events (normalise, match, order candidates by priority, render the reply template for the winner).",
    '- **Timing.** Medians of timed repetitions after a warm-up, in one Node process started by `bench/run.ts` with `--expose-gc` (a GC between repetitions). Throughput is wall-clock messages per second on one thread; the machine has the cores listed above, and the SQLite WAL write happens on the same thread. Expect ±10–20 % between runs on a shared VM; only differences beyond that mean anything.',
    `- **Profiling one cell.** \`node bench/pipeline.ts --profile conc --rules 1000\` runs only the concurrent Shequn peer at 1,000 rules (after the same warm-up), records a V8 CPU profile of the timed messages alone and prints the functions and modules with the most self time (\`seq\`, \`raw\` and \`batch\` profile the other peers).`,
  ];

  const targetUs = 1e6 / TARGET_MSGS_PER_SEC;
  const findings = [
    `Sequential, at 1,000 rules a message costs ${fmtUs(us(p1k.rate.seq))} µs in Shequn (${fmtRate(p1k.rate.seq.perSec)} msgs/s). The raw floor writes the same rows in ${fmtUs(us(p1k.rate.raw))} µs, of which ${fmtUs(p1k.commitUs.raw)} µs is COMMIT. The target of ${fmtRate(TARGET_MSGS_PER_SEC)} msgs/s is ${fmtUs(targetUs)} µs per message, so ${us(p1k.rate.raw) > targetUs ? 'no store layer reaches it while every message commits on its own' : 'the floor shows it is reachable even with one commit per message'}. Shequn's store layer and engine glue add ${fmtUs(us(p1k.rate.seq) - us(p1k.rate.raw))} µs on top (Shequn / raw = ${fmtRatio(p1k.rate.seq.perSec / p1k.rate.raw.perSec)}).`,
    `With ${IN_FLIGHT} ingests in flight, group commit shares a transaction among ${p1k.perCommit.conc.toFixed(1)} events on average, and Shequn does ${fmtRate(p1k.rate.conc.perSec)} msgs/s at 1,000 rules (${fmtUs(us(p1k.rate.conc))} µs per message, ${fmtRatio(p1k.rate.conc.perSec / p1k.rate.seq.perSec)} its sequential rate), ${p1k.rate.conc.perSec >= TARGET_MSGS_PER_SEC ? 'which meets' : 'which misses'} the ${fmtRate(TARGET_MSGS_PER_SEC)} msgs/s target. The raw floor at ${BATCH} messages per commit does ${fmtRate(p1k.rate.batch.perSec)} msgs/s (${fmtUs(us(p1k.rate.batch))} µs, COMMIT ${fmtUs(p1k.commitUs.batch)} µs per message); Shequn / batched raw = ${fmtRatio(p1k.rate.conc.perSec / p1k.rate.batch.perSec)}, i.e. the store layer and engine glue cost ${fmtUs(us(p1k.rate.conc) - us(p1k.rate.batch))} µs per message once the commit is shared.`,
    `Keyword rules are not the bottleneck: compileRules + evaluate takes ${fmtUs(us(m1k.evaluate))} µs at 1,000 rules (${fmtPct(us(m1k.evaluate) / us(p1k.rate.conc))} of the concurrent pipeline, ${fmtPct(us(m1k.evaluate) / us(p1k.rate.seq))} of the sequential one) and ${fmtUs(us(m10k.evaluate))} µs at 10,000. The naive loop would take ${fmtUs(us(m10k.naive))} µs per message at 10,000 rules, ${fmtRatio(us(m10k.naive) / us(p10k.rate.conc))} the whole concurrent pipeline's cost today.`,
    `At 10 rules the naive loop is ${m10.naive.perSec > m10.compiled.perSec ? 'faster' : 'slower'} than the automaton (matcher / naive = ${fmtRatio(m10.compiled.perSec / m10.naive.perSec)}); both take a few µs there, and the automaton wins from 1,000 rules on (${fmtRatio(m1k.compiled.perSec / m1k.naive.perSec)}).`,
    `The first message after the rules change (Engine.invalidate) loads and compiles them inside its transaction: ${fmtMs(p10k.firstMessageMs)} ms at 10,000 rules, of which compileRules (synchronous: the event loop waits, and under load every event queued behind it waits too) is ${fmtMs(m10k.buildMs)} ms.`,
  ];

  return {
    name: 'pipeline',
    title: 'Inbound pipeline and keyword rules',
    method,
    tables: [seqTable, concTable, matchTable, breakdown, cpuTable],
    findings,
    verdicts,
    checks,
    elapsedMs: now() - started,
  };
}

// ---- profiling one cell -------------------------------------------------------------------------------

async function profileCell(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const peer = arg('--profile') as Peer;
  if (!PEERS.includes(peer)) throw new Error(`--profile takes one of ${PEERS.join(', ')}`);
  const ruleCount = Number(arg('--rules') ?? 1_000);
  const count = Number(arg('--messages') ?? 20_000);
  if (!(ruleCount > 0 && ruleCount <= 10_000 && count > 0 && count <= 200_000)) throw new Error('--rules 1…10000, --messages 1…200000');
  const out = arg('--out') ?? join(tmpdir(), `shequn-pipeline-${peer}-${ruleCount}.cpuprofile`);
  const cfg = FULL;
  const allSpecs = keywordRules(ruleCount);
  const people = members(MEMBER_COUNT);
  const corpus = corporaFor(allSpecs, people, cfg, [ruleCount]).get(ruleCount)!;
  const setup = await setupPipeline(ruleCount, allSpecs, people, corpus);
  try {
    await setup.run(peer, 0, 1, 'first');
    await setup.run(peer, 1, cfg.pipelineWarmup, 'warm');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const r = await setup.run(peer, 1 + cfg.pipelineWarmup, count, 'prof');
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(out, JSON.stringify(profile));
    process.stdout.write(`${PEER_NAMES[peer]}, ${fmtInt(ruleCount)} rules: ${fmtInt(count)} messages, ${fmtRate(r.perSec)} msgs/s (${fmtUs(1e6 / r.perSec)} µs/msg, CPU ${fmtUs(r.cpuUs)} µs/msg, ${(count / r.commits).toFixed(1)} per commit) under the profiler\n`);
    process.stdout.write(`${profileSummary(profile, { perItem: count, top: 25 })}\nProfile: ${out}\n`);
  } finally {
    await setup.finish(perPeer(() => []), 0, 0).catch(() => undefined);
  }
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  if (argv.includes('--profile')) await profileCell(argv);
  else process.stdout.write(`${textResult(await run({ quick: argv.includes('--quick') }))}\n`);
}
