/**
 * The ad detector benchmark: Shequn's detectAds (src/core/moderation/ads.ts: links with evasive
 * spellings and the allow-list, invite links, phone numbers, WeChat/QQ ids) against plain linkify-it
 * `.match()` alone on the same messages. Ours does more than the peer (it runs linkify-it itself, on a
 * folded copy, and three other detectors besides), so the ratio says what the extra work costs, or
 * what the cheap pre-checks save. DESIGN.md §6 sets no target for ads; the inbound pipeline's
 * 20,000 msgs/s does, so the cost per message is also shown as a share of that budget.
 *
 * Messages (bench/lib/ads-data.ts): mixed Chinese/English group chat of 20–200 UTF-16 units, 5 % with
 * one ad planted in. Recall is measured on the planted ads (kind and span must match), false
 * positives on the other messages.
 *
 * `npm run bench` runs it with the others; `npm run bench -- ads --merge` runs it alone and replaces
 * only its section of docs/benchmarks.md. Alone, printing only:
 *   node --expose-gc bench/ads.ts [--quick]
 */
import { LinkifyIt } from 'linkify-it';
import { detectAds, type AdSettings } from '../src/core/moderation/ads.ts';
import { collectGarbage, fmtInt, fmtPct, fmtRate, fmtRatio, fmtSpread, fmtUs, now, rateOf, timeBounded, type Rate } from './lib/measure.ts';
import { adMessages, type AdMessage, type PlantedKind } from './lib/ads-data.ts';
import { textResult, type BenchOptions, type BenchResult, type Table } from './lib/report.ts';

const AD_RATE = 0.05;
/** DESIGN.md §6: the inbound pipeline's target, of which ad detection is one step. */
const PIPELINE_TARGET = 20_000;

interface Config {
  messages: number;
  reps: number;
  budgetMs: number;
  warmupMs: number;
}
const FULL: Config = { messages: 20_000, reps: 9, budgetMs: 400, warmupMs: 400 };
const QUICK: Config = { messages: 3_000, reps: 3, budgetMs: 100, warmupMs: 100 };

const ALL: AdSettings = { action: 'block', links: true, allowDomains: ['shequn.dev'], phones: true, wechatIds: true, inviteLinks: true, cards: true };
const only = (k: 'links' | 'phones' | 'wechatIds'): AdSettings => ({ ...ALL, links: false, phones: false, wechatIds: false, inviteLinks: false, [k]: true });

type PeerId = 'shequn' | 'linkify' | 'linksOnly' | 'phonesOnly' | 'idsOnly';
const PEERS: readonly PeerId[] = ['shequn', 'linkify', 'linksOnly', 'phonesOnly', 'idsOnly'];
const PEER_NAMES: Record<PeerId, string> = {
  shequn: 'Shequn detectAds, every kind on',
  linkify: 'linkify-it 6 .match() alone (fuzzy links and e-mails)',
  linksOnly: 'detectAds, links only',
  phonesOnly: 'detectAds, phones only',
  idsOnly: 'detectAds, WeChat/QQ ids only',
};

const log = (s: string) => process.stderr.write(`  ads: ${s}\n`);

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const started = now();
  const cfg = opts.quick ? QUICK : FULL;
  const msgs = adMessages(cfg.messages, { adRate: AD_RATE });
  const texts = msgs.map((m) => m.text);
  const unitsPerMsg = texts.reduce((s, t) => s + t.length, 0) / texts.length;
  const bytesPerMsg = texts.reduce((s, t) => s + Buffer.byteLength(t, 'utf8'), 0) / texts.length;
  const linkify = new LinkifyIt({ fuzzyLink: true });
  const scan: Record<PeerId, (t: string) => number> = {
    shequn: (t) => detectAds({ type: 'text', text: t }, ALL).length,
    linkify: (t) => linkify.match(t)?.length ?? 0,
    linksOnly: (t) => detectAds({ type: 'text', text: t }, only('links')).length,
    phonesOnly: (t) => detectAds({ type: 'text', text: t }, only('phones')).length,
    idsOnly: (t) => detectAds({ type: 'text', text: t }, only('wechatIds')).length,
  };

  // ---- quality: planted ads found (kind and span), hits on clean messages ----
  const quality = measureQuality(msgs, linkify);

  // ---- throughput: warm-up, then rounds in which every peer runs once, in rotating order ----
  let sink = 0;
  const stepOf = (p: PeerId) => {
    const f = scan[p];
    return (i: number) => {
      sink += f(texts[i % texts.length]!);
    };
  };
  for (const p of PEERS) timeBounded(stepOf(p), cfg.warmupMs, 50_000_000);
  const reps: Record<PeerId, number[]> = { shequn: [], linkify: [], linksOnly: [], phonesOnly: [], idsOnly: [] };
  for (let r = 0; r < cfg.reps; r++) {
    for (let k = 0; k < PEERS.length; k++) {
      const p = PEERS[(r + k) % PEERS.length]!;
      collectGarbage();
      reps[p].push(timeBounded(stepOf(p), cfg.budgetMs, 50_000_000).perSec);
    }
  }
  if (sink < 0) log('unreachable');
  const rate = Object.fromEntries(PEERS.map((p) => [p, rateOf(reps[p], 0)])) as Record<PeerId, Rate>;
  log(PEERS.map((p) => `${p} ${fmtRate(rate[p].perSec)}/s`).join(', '));

  const ours = rate.shequn.perSec;
  const peer = rate.linkify.perSec;
  const budgetUs = 1e6 / PIPELINE_TARGET;
  const table: Table = {
    title: 'Ad detection over chat messages (messages/s, median of the repetitions)',
    columns: ['peer', 'msgs/s', 'MB/s (UTF-8)', 'µs/msg', 'reps min–max', 'vs linkify-it alone'],
    rows: PEERS.map((p) => [
      PEER_NAMES[p],
      fmtRate(rate[p].perSec),
      ((rate[p].perSec * bytesPerMsg) / 1e6).toFixed(1),
      fmtUs(1e6 / rate[p].perSec),
      fmtSpread(rate[p].reps),
      fmtRatio(rate[p].perSec / peer),
    ]),
    notes: [
      `Messages: ${fmtInt(cfg.messages)}, 20–200 UTF-16 units (mean ${unitsPerMsg.toFixed(0)} units, ${bytesPerMsg.toFixed(0)} UTF-8 bytes), mixed Chinese/English chat with prices, dates, times, order numbers, versions, sentence dots and emoji; ${fmtPct(AD_RATE)} with one ad planted in (${fmtInt(quality.planted)} here).`,
      '"vs linkify-it alone": msgs/s over plain linkify-it `.match()` on the same messages. detectAds calls linkify-it itself (only on messages that pass its pre-checks, on a folded copy), and also looks for phones and WeChat/QQ ids; the "only" rows switch the other kinds off (the link scan still runs for phones and ids, which a link covers).',
      `Median of ${cfg.reps} time-bounded repetitions (${cfg.budgetMs} ms each) per row after a ${cfg.warmupMs}-ms warm-up each; every repetition runs all rows in rotating order. One process, one core.`,
    ],
  };

  const kinds: PlantedKind[] = ['link', 'invite_link', 'phone', 'wechat_id'];
  const qualityTable: Table = {
    title: 'What each finds: planted ads by kind (kind and span must match) and hits on the messages without an ad',
    columns: ['peer', ...kinds.map((k) => `${k} found`), 'clean messages with a hit'],
    rows: [
      [PEER_NAMES.shequn, ...kinds.map((k) => `${fmtInt(quality.found[k])} / ${fmtInt(quality.byKind[k])}`), `${fmtInt(quality.oursFalse)} / ${fmtInt(quality.clean)}`],
      [
        PEER_NAMES.linkify,
        ...kinds.map((k) => (k === 'link' || k === 'invite_link' ? `${fmtInt(quality.linkifyFound[k])} / ${fmtInt(quality.byKind[k])}` : 'n/a')),
        `${fmtInt(quality.linkifyFalse)} / ${fmtInt(quality.clean)}`,
      ],
    ],
    notes: [
      'linkify-it counts as finding a planted link or invite link when one of its matches has the same span; it has no kinds, and misses the evasive spellings (example。com, ｗｗｗ．…) and links glued to Chinese text. Its hits on clean messages are what a bare linkify-it would flag: "Mr.Li" (with the Chinese text before it, when glued), which the corpus has among its English phrases next to node.js, file.txt and v2.0 (which it leaves alone).',
    ],
  };

  const findings = [
    `detectAds does ${fmtRate(ours)} msgs/s (${fmtUs(1e6 / ours)} µs per message): ${fmtRatio(ours / peer)} plain linkify-it .match() alone (${fmtRate(peer)} msgs/s), while also finding phones and WeChat/QQ ids and the evasive spellings. At the pipeline's ${fmtInt(PIPELINE_TARGET)} msgs/s target (${fmtUs(budgetUs)} µs per message) it takes ${fmtPct(1e6 / ours / budgetUs)} of the budget.`,
    `It finds ${fmtInt(quality.oursFound)} of ${fmtInt(quality.planted)} planted ads with the right kind and span and flags ${fmtInt(quality.oursFalse)} of ${fmtInt(quality.clean)} clean messages; linkify-it alone finds ${fmtInt(quality.linkifyFound.link + quality.linkifyFound.invite_link)} of the ${fmtInt(quality.byKind.link + quality.byKind.invite_link)} planted links and invite links.`,
  ];

  return {
    name: 'ads',
    title: 'Ad detection',
    method: [
      "Peers, in one process and the same run: Shequn's `detectAds` (src/core/moderation/ads.ts) with every kind on and one allowed domain; plain `linkify-it` 6 `new LinkifyIt({ fuzzyLink: true }).match(text)`; and detectAds with one kind on at a time, to show where the time goes.",
      'detectAds: cheap pre-checks (a dot-like character for links, a digit-like one for phones, a Latin letter or digit for ids), then a folded "link view" with an offset map for linkify-it (full-width, 。/点/[.] dots, spaces around them, zero-width characters, a space between Chinese and Latin text), the phone patterns over a same-length folded copy, and the WeChat/QQ cues through the moderation matcher.',
      'Messages (bench/lib/ads-data.ts, seeded): everyday Chinese and English phrases, numbers that are not phones (13.5元, 2024-11-23, 13:45, 订单号 2024…, ID 123456), English with dots that are not links (Mr.Li, v2.0, node.js, e.g.), Chinese punctuation and emoji; planted ads: links (https, www., new gTLDs, example。com / 点 / " . " / (.), full-width, e-mail), invite links (t.me/+, WhatsApp, Discord, QQ), phones (plain, grouped, +86, full-width, landline, 400) and WeChat/QQ ids after a cue.',
    ],
    tables: [table, qualityTable],
    findings,
    verdicts: [
      {
        what: 'ad detection vs plain linkify-it .match() alone in the same run (no DESIGN.md §6 target)',
        measured: `${fmtRatio(ours / peer)}: ${fmtRate(ours)} vs ${fmtRate(peer)} msgs/s; ${fmtUs(1e6 / ours)} µs per message, ${fmtPct(1e6 / ours / budgetUs)} of the pipeline budget at ${fmtInt(PIPELINE_TARGET)} msgs/s`,
        ok: null,
      },
    ],
    checks: [
      { what: 'every planted ad found with its kind and span', ok: quality.oursFound === quality.planted, detail: `${fmtInt(quality.oursFound)} of ${fmtInt(quality.planted)}${quality.firstMiss ? `; first missed: ${quality.firstMiss}` : ''}` },
      { what: 'no hit on the messages without an ad', ok: quality.oursFalse === 0, detail: `${fmtInt(quality.oursFalse)} of ${fmtInt(quality.clean)}${quality.firstFalse ? `; first: ${quality.firstFalse}` : ''}` },
      { what: 'hits sorted by start and disjoint, each showing the original text at its span', ok: quality.malformed === 0, detail: `${fmtInt(quality.malformed)} messages with malformed hits` },
    ],
    elapsedMs: now() - started,
  };
}

interface Quality {
  planted: number;
  clean: number;
  byKind: Record<PlantedKind, number>;
  found: Record<PlantedKind, number>;
  linkifyFound: Record<PlantedKind, number>;
  oursFound: number;
  oursFalse: number;
  linkifyFalse: number;
  malformed: number;
  firstMiss: string;
  firstFalse: string;
}

function measureQuality(msgs: readonly AdMessage[], linkify: LinkifyIt): Quality {
  const zero = (): Record<PlantedKind, number> => ({ link: 0, invite_link: 0, phone: 0, wechat_id: 0 });
  const q: Quality = { planted: 0, clean: 0, byKind: zero(), found: zero(), linkifyFound: zero(), oursFound: 0, oursFalse: 0, linkifyFalse: 0, malformed: 0, firstMiss: '', firstFalse: '' };
  for (const m of msgs) {
    const hits = detectAds({ type: 'text', text: m.text }, ALL);
    const theirs = linkify.match(m.text) ?? [];
    if (hits.some((h, i) => h.text !== m.text.slice(h.start, h.end) || (i > 0 && hits[i - 1]!.end > h.start))) q.malformed++;
    if (!m.ad) {
      q.clean++;
      if (hits.length > 0) {
        q.oursFalse++;
        q.firstFalse ||= JSON.stringify(m.text);
      }
      if (theirs.length > 0) q.linkifyFalse++;
      continue;
    }
    const ad = m.ad;
    q.planted++;
    q.byKind[ad.kind]++;
    if (hits.some((h) => h.kind === ad.kind && h.start === ad.start && h.end === ad.end)) {
      q.found[ad.kind]++;
      q.oursFound++;
    } else q.firstMiss ||= JSON.stringify(m.text);
    if (theirs.some((x) => x.index === ad.start && x.lastIndex === ad.end)) q.linkifyFound[ad.kind]++;
  }
  return q;
}

// `node --expose-gc bench/ads.ts [--quick]` runs this benchmark alone and prints its tables.
if (import.meta.main) {
  const result = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${textResult(result)}\n`);
}
