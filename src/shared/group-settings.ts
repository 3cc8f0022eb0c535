/**
 * A group's moderation and community settings: warn points, ads, floods and raids, first-message
 * scrutiny, who may invite, welcome batching and the join gate. One zod schema shared by the
 * server (validation, the engine) and the console (forms).
 *
 * Settings resolve in layers: built-in defaults ← the group's policy template (if any) ← the
 * group's own overrides. Templates and overrides store only what they change (a deep partial), so
 * a later change to a template reaches every group that does not override that field.
 */
import { z } from 'zod';
import type { Capabilities, Capability } from '../core/capabilities.ts';

/** What a detection does: nothing, tell moderators, warn the member (a warn point), or delete + warn. */
export const DetectionAction = z.enum(['off', 'alert', 'warn', 'block']);
export type DetectionAction = z.infer<typeof DetectionAction>;

const Seconds = (max: number) => z.number().int().min(1).max(max);
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u, 'not a domain name (example.com or *.example.com)');

export const GroupSettings = z.object({
  /** Warn points: each warning is one point, forgotten after `expireDays`; totals count across the workspace. */
  warnings: z.object({
    expireDays: z.number().int().min(1).max(365),
    /** Points at which the member is removed from the group (0: never). */
    kickAt: z.number().int().min(0).max(50),
    /** Points at which the member is also blacklisted in the workspace (0: never). */
    banAt: z.number().int().min(0).max(50),
    /** How long such a blacklisting lasts (0: until lifted). */
    banDays: z.number().int().min(0).max(3650),
  }),
  /** Advertising: links (except allowed domains), phone numbers, WeChat ids, invite links to other groups, cards. */
  ads: z.object({
    action: DetectionAction,
    links: z.boolean(),
    allowDomains: z.array(Domain).max(200),
    phones: z.boolean(),
    wechatIds: z.boolean(),
    inviteLinks: z.boolean(),
    /** Mini programs, contact cards, QR codes where the channel reports them. */
    cards: z.boolean(),
  }),
  /** One member posting too fast, or the same text again and again. */
  flood: z.object({
    action: DetectionAction,
    maxMessages: z.number().int().min(2).max(100),
    perSeconds: Seconds(600),
    /** The same text this many times within `repeatSeconds` is a flood too. */
    maxRepeats: z.number().int().min(2).max(50),
    repeatSeconds: Seconds(3600),
    /** A flooder is muted this long (0: no mute, only the action). */
    muteMinutes: z.number().int().min(0).max(10_080),
  }),
  /** Many joins (or messages) in the whole group at once: lock the group down. */
  raid: z.object({
    enabled: z.boolean(),
    joinsPerMinute: z.number().int().min(2).max(10_000),
    messagesPerMinute: z.number().int().min(10).max(100_000),
    /** While locked down, new joins are refused (or held at the join gate where there is one). */
    lockdownMinutes: z.number().int().min(1).max(1440),
  }),
  /** A member's first messages are where most spam is: stricter there. */
  firstMessages: z.object({
    count: z.number().int().min(0).max(50),
    /** In those messages any link (even an allowed domain) or ad counts as `block`, any warn word as block. */
    strict: z.boolean(),
  }),
  invites: z.object({
    /** Members invited by someone who is not an admin are removed, and the inviter is told why. */
    onlyAdmins: z.boolean(),
  }),
  welcome: z.object({
    /** Joins within this many seconds share one welcome mentioning all of them (0: one each). */
    batchSeconds: z.number().int().min(0).max(120),
    /** At most one welcome per this many seconds; later joins wait for the next one. */
    cooldownSeconds: z.number().int().min(0).max(3600),
  }),
  /** Where the channel has one: joining needs an answer or accepting the rules. */
  joinGate: z.object({
    mode: z.enum(['off', 'accept_rules', 'question']),
    question: z.string().trim().max(200),
    /** Accepted answers (compared ignoring case, width and spaces); empty: any non-empty answer. */
    answers: z.array(z.string().trim().min(1).max(100)).max(20),
  }),
});
export type GroupSettings = z.infer<typeof GroupSettings>;

export const DEFAULT_GROUP_SETTINGS: GroupSettings = {
  warnings: { expireDays: 30, kickAt: 3, banAt: 3, banDays: 0 },
  ads: { action: 'block', links: true, allowDomains: [], phones: true, wechatIds: true, inviteLinks: true, cards: true },
  flood: { action: 'warn', maxMessages: 8, perSeconds: 10, maxRepeats: 3, repeatSeconds: 60, muteMinutes: 10 },
  raid: { enabled: true, joinsPerMinute: 30, messagesPerMinute: 300, lockdownMinutes: 10 },
  firstMessages: { count: 3, strict: true },
  invites: { onlyAdmins: false },
  welcome: { batchSeconds: 5, cooldownSeconds: 30 },
  joinGate: { mode: 'off', question: '', answers: [] },
};

/** What a template or a group stores: only the fields it sets. */
const sections = GroupSettings.shape;
export const GroupSettingsPatch = z
  .object({
    warnings: sections.warnings.partial().strict().optional(),
    ads: sections.ads.partial().strict().optional(),
    flood: sections.flood.partial().strict().optional(),
    raid: sections.raid.partial().strict().optional(),
    firstMessages: sections.firstMessages.partial().strict().optional(),
    invites: sections.invites.partial().strict().optional(),
    welcome: sections.welcome.partial().strict().optional(),
    joinGate: sections.joinGate.partial().strict().optional(),
  })
  .strict();
export type GroupSettingsPatch = z.infer<typeof GroupSettingsPatch>;

/** Layers patches over the defaults, later ones winning field by field. */
export function resolveSettings(...patches: (GroupSettingsPatch | null | undefined)[]): GroupSettings {
  const out = structuredClone(DEFAULT_GROUP_SETTINGS) as Record<string, Record<string, unknown>>;
  for (const p of patches) {
    if (!p) continue;
    for (const [section, fields] of Object.entries(p)) {
      if (!fields) continue;
      const target = out[section];
      if (!target) continue;
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) target[k] = v;
    }
  }
  return out as unknown as GroupSettings;
}

/** The fields a group's overrides change relative to its template (for "which groups differ"). */
export function differences(base: GroupSettings, effective: GroupSettings): string[] {
  const out: string[] = [];
  for (const section of Object.keys(base) as (keyof GroupSettings)[]) {
    const a = base[section] as Record<string, unknown>;
    const b = effective[section] as Record<string, unknown>;
    for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${section}.${k}`);
  }
  return out;
}

/** Every field of the settings as `section.field`, in schema order (labels, "differs" lists). */
export const SETTINGS_FIELDS: readonly string[] = Object.entries(DEFAULT_GROUP_SETTINGS).flatMap(([section, fields]) => Object.keys(fields).map((k) => `${section}.${k}`));

/** The fields a patch sets, as `section.field`, in schema order. */
export function patchFields(p: GroupSettingsPatch): string[] {
  const sections = p as Record<string, Record<string, unknown> | undefined>;
  return SETTINGS_FIELDS.filter((f) => {
    const [section = '', key = ''] = f.split('.');
    return sections[section]?.[key] !== undefined;
  });
}

/** A patch as stored: unset fields and sections left empty are dropped. */
export function compactPatch(p: GroupSettingsPatch): GroupSettingsPatch {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(p)) {
    if (!fields) continue;
    const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (Object.keys(kept).length > 0) out[section] = kept;
  }
  return out as GroupSettingsPatch;
}

/** The patch without one field (`section.field`): that field inherits again. */
export function withoutField(p: GroupSettingsPatch, field: string): GroupSettingsPatch {
  const [section, key] = field.split('.');
  const fields = (p as Record<string, Record<string, unknown> | undefined>)[section ?? ''];
  if (!fields || key === undefined || !(key in fields)) return p;
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== key));
  return compactPatch({ ...p, [section as string]: rest });
}

/** The patch with one field (`section.field`) set to a value. */
export function withField(p: GroupSettingsPatch, field: string, value: unknown): GroupSettingsPatch {
  const [section = '', key = ''] = field.split('.');
  const fields = (p as Record<string, Record<string, unknown> | undefined>)[section] ?? {};
  return { ...p, [section]: { ...fields, [key]: value } } as GroupSettingsPatch;
}

/** A setting the group's channel cannot carry out, and what to choose instead. */
export interface Unsupported {
  field: string;
  needs: Capability;
  instead: string;
}

/**
 * Settings a channel cannot honour (WeCom customer groups cannot delete or remove; personal WeChat
 * cannot delete; only some channels have a join gate). Saving them is refused with these, so
 * operators choose what the channel can do: alert the moderators (a case in the review queue) or
 * turn the feature off. Warn-point thresholds are not listed: where a channel cannot remove, the
 * case asks a moderator to do it by hand (`removal_needed`), which is the owner's task.
 */
export function unsupportedSettings(s: GroupSettings, can: Pick<Capabilities, 'deleteMessage' | 'kick' | 'joinGate'>): Unsupported[] {
  const out: Unsupported[] = [];
  if (!can.deleteMessage) {
    if (s.ads.action === 'block') out.push({ field: 'ads.action', needs: 'deleteMessage', instead: 'alert' });
    if (s.flood.action === 'block') out.push({ field: 'flood.action', needs: 'deleteMessage', instead: 'alert' });
    if (s.flood.action !== 'off' && s.flood.muteMinutes > 0) out.push({ field: 'flood.muteMinutes', needs: 'deleteMessage', instead: '0' });
  }
  if (!can.kick && s.invites.onlyAdmins) out.push({ field: 'invites.onlyAdmins', needs: 'kick', instead: 'false' });
  if (!can.joinGate && s.joinGate.mode !== 'off') out.push({ field: 'joinGate.mode', needs: 'joinGate', instead: 'off' });
  return out;
}
