// Group settings in layers: defaults ← template ← group overrides, what differs, and the strict
// patch schema that templates and overrides are stored as.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compactPatch,
  DEFAULT_GROUP_SETTINGS,
  differences,
  GroupSettings,
  GroupSettingsPatch,
  patchFields,
  resolveSettings,
  SETTINGS_FIELDS,
  withField,
  withoutField,
} from '../../src/shared/group-settings.ts';

describe('resolveSettings', () => {
  test('no patches: the defaults, as a copy', () => {
    const s = resolveSettings();
    assert.deepEqual(s, DEFAULT_GROUP_SETTINGS);
    s.flood.maxMessages = 99;
    s.ads.allowDomains.push('example.com');
    assert.equal(DEFAULT_GROUP_SETTINGS.flood.maxMessages, 8, 'the defaults are not changed through a result');
    assert.deepEqual(DEFAULT_GROUP_SETTINGS.ads.allowDomains, []);
  });

  test('later layers win field by field; the rest of a section keeps the earlier value', () => {
    const template: GroupSettingsPatch = { flood: { maxMessages: 4, perSeconds: 5 }, raid: { enabled: false } };
    const overrides: GroupSettingsPatch = { flood: { maxMessages: 6 } };
    const s = resolveSettings(template, overrides);
    assert.deepEqual(s.flood, { ...DEFAULT_GROUP_SETTINGS.flood, maxMessages: 6, perSeconds: 5 });
    assert.equal(s.raid.enabled, false);
    assert.deepEqual(s.warnings, DEFAULT_GROUP_SETTINGS.warnings);
  });

  test('null, undefined and empty sections are no layer at all; the result is valid settings', () => {
    const s = resolveSettings(null, undefined, {}, { joinGate: {} });
    assert.deepEqual(s, DEFAULT_GROUP_SETTINGS);
    assert.ok(GroupSettings.safeParse(resolveSettings({ joinGate: { mode: 'question', question: '暗号？', answers: ['芝麻开门'] } })).success);
  });

  test('arrays replace rather than merge', () => {
    const s = resolveSettings({ ads: { allowDomains: ['a.com', 'b.com'] } }, { ads: { allowDomains: ['c.com'] } });
    assert.deepEqual(s.ads.allowDomains, ['c.com']);
  });
});

describe('differences', () => {
  test('the fields whose values differ, in schema order; equal values (arrays by content) do not count', () => {
    const base = resolveSettings({ flood: { maxMessages: 4 }, ads: { allowDomains: ['a.com'] } });
    assert.deepEqual(differences(base, base), []);
    assert.deepEqual(differences(base, resolveSettings({ flood: { maxMessages: 4 }, ads: { allowDomains: ['a.com'] } })), []);
    const effective = resolveSettings({ flood: { maxMessages: 4 }, ads: { allowDomains: ['a.com'] } }, { welcome: { cooldownSeconds: 0 }, ads: { allowDomains: ['b.com'], action: 'warn' }, flood: { maxMessages: 4 } });
    assert.deepEqual(differences(base, effective), ['ads.action', 'ads.allowDomains', 'welcome.cooldownSeconds']);
  });
});

describe('GroupSettingsPatch', () => {
  test('any subset of fields, including none', () => {
    assert.deepEqual(GroupSettingsPatch.parse({}), {});
    assert.deepEqual(GroupSettingsPatch.parse({ flood: { maxMessages: 5 } }), { flood: { maxMessages: 5 } });
    assert.deepEqual(GroupSettingsPatch.parse({ ads: { allowDomains: [' Example.COM ', '*.Shequn.dev'] } }), { ads: { allowDomains: ['example.com', '*.shequn.dev'] } });
  });

  const refused: [string, unknown, (string | number)[]][] = [
    ['an unknown section', { floods: {} }, []],
    ['an unknown field', { flood: { maxMesages: 3 } }, ['flood']],
    ['a field of the wrong type', { raid: { enabled: 'yes' } }, ['raid', 'enabled']],
    ['a number out of range', { flood: { maxMessages: 1 } }, ['flood', 'maxMessages']],
    ['a fraction', { warnings: { kickAt: 1.5 } }, ['warnings', 'kickAt']],
    ['an unknown action', { ads: { action: 'explode' } }, ['ads', 'action']],
    ['something that is not a domain', { ads: { allowDomains: ['ok.com', 'http://x.com/'] } }, ['ads', 'allowDomains', 1]],
    ['an empty join-gate answer', { joinGate: { answers: ['  '] } }, ['joinGate', 'answers', 0]],
    ['a section that is not an object', { flood: 5 }, ['flood']],
  ];
  for (const [what, input, path] of refused) {
    test(`refuses ${what}, at its path`, () => {
      const r = GroupSettingsPatch.safeParse(input);
      assert.equal(r.success, false);
      assert.deepEqual(r.error?.issues[0]?.path, path);
    });
  }

  test('unknown keys are named in the issue', () => {
    const r = GroupSettingsPatch.safeParse({ flood: { maxMesages: 3 } });
    assert.match(r.error?.issues[0]?.message ?? '', /maxMesages/);
  });
});

describe('patch helpers', () => {
  test('SETTINGS_FIELDS lists every field of the schema once', () => {
    const fromSchema = Object.entries(GroupSettings.shape).flatMap(([section, s]) => Object.keys(s.shape).map((k) => `${section}.${k}`));
    assert.deepEqual(SETTINGS_FIELDS, fromSchema);
  });

  test('patchFields: the fields set, in schema order', () => {
    assert.deepEqual(patchFields({}), []);
    assert.deepEqual(patchFields({ welcome: { batchSeconds: 0 }, ads: { cards: false, links: true }, flood: {} }), ['ads.links', 'ads.cards', 'welcome.batchSeconds']);
  });

  test('withField sets one field, keeping the rest of its section and the input', () => {
    const p: GroupSettingsPatch = { flood: { perSeconds: 3 } };
    assert.deepEqual(withField(p, 'flood.maxMessages', 5), { flood: { perSeconds: 3, maxMessages: 5 } });
    assert.deepEqual(withField(p, 'raid.enabled', false), { flood: { perSeconds: 3 }, raid: { enabled: false } });
    assert.deepEqual(p, { flood: { perSeconds: 3 } });
  });

  test('compactPatch drops unset fields and empty sections; withoutField unsets one field', () => {
    assert.deepEqual(compactPatch({ flood: {}, raid: { enabled: undefined }, ads: { cards: false } }), { ads: { cards: false } });
    const p: GroupSettingsPatch = { flood: { maxMessages: 5, perSeconds: 3 }, ads: { cards: false } };
    assert.deepEqual(withoutField(p, 'flood.maxMessages'), { flood: { perSeconds: 3 }, ads: { cards: false } });
    assert.deepEqual(withoutField(p, 'ads.cards'), { flood: { maxMessages: 5, perSeconds: 3 } });
    assert.equal(withoutField(p, 'raid.enabled'), p, 'a field that is not set: the same patch');
    assert.deepEqual(p, { flood: { maxMessages: 5, perSeconds: 3 }, ads: { cards: false } }, 'the input is not changed');
  });
});
