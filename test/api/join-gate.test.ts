// The web community's join gate, enforced by the join route on both engines: the invite tells the
// page what the gate asks (never the accepted answers), a join without the rules accepted or with a
// wrong answer is refused with 403 join_gate and changes nothing, and wrong answers are limited so
// the question cannot be guessed (429 with Retry-After; the clock is the test's).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, immediateWelcome, Member, setGroupSettings, setupOwner, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

const T0 = Date.UTC(2025, 2, 3, 4, 0, 0);

function assertGate(r: ApiResponse<any>, reason: string) {
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'join_gate');
  assert.equal(r.body.error.details.reason, reason);
  assert.ok(r.body.error.message.length > 10, 'a message that says what to do');
}

for (const engine of ENGINES) {
  describe(`join gate (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let clock = T0;

    before(async () => {
      server = await startTestServer(engine, { now: () => clock });
      api = await setupOwner(server.url);
    });
    after(async () => {
      await server?.destroy();
    });

    async function gatedGroup(name: string, joinGate: { mode: 'off' | 'accept_rules' | 'question'; question?: string; answers?: string[] }) {
      const created = await api.post('/api/v1/groups', { name, rules: '1. 友善交流\n2. 禁止广告' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await setGroupSettings(server.rt.store.db, created.body.id, { joinGate });
      await immediateWelcome(server.rt.store.db, created.body.id);
      return created.body as { id: string; inviteUrl: string };
    }

    const invite = (group: { inviteUrl: string }) => fetch(`${server.url}/api/v1/webchat/invites/${group.inviteUrl.split('/').pop()}`).then((r) => r.json() as Promise<any>);
    const memberCount = async (groupId: string) => (await api.get(`/api/v1/groups/${groupId}/members`)).body.total as number;

    test('the web community declares the capability', async () => {
      const accounts = await api.get('/api/v1/channel-accounts');
      const webchat = accounts.body.items.find((a: any) => a.kind === 'webchat');
      assert.equal(webchat.capabilities.joinGate, true);
    });

    test('no gate: the invite says so and a nickname is enough', async () => {
      const group = await gatedGroup('无验证群', { mode: 'off' });
      assert.deepEqual((await invite(group)).gate, { mode: 'off' });
      assert.equal((await new Member(server.url).join(group.inviteUrl, '小红')).status, 201);
    });

    test('accept_rules: the invite carries the rules; joining needs acceptRules: true', async () => {
      const group = await gatedGroup('群规群', { mode: 'accept_rules' });
      assert.deepEqual((await invite(group)).gate, { mode: 'accept_rules', rules: '1. 友善交流\n2. 禁止广告' });
      const m = new Member(server.url);
      assertGate(await m.join(group.inviteUrl, '小红'), 'rules_not_accepted');
      assertGate(await m.join(group.inviteUrl, '小红', { acceptRules: false }), 'rules_not_accepted');
      assert.equal(await memberCount(group.id), 0, 'a refused join leaves no member behind');
      assert.equal(m.token, '', 'and no token');
      const ok = await m.join(group.inviteUrl, '小红', { acceptRules: true });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(await memberCount(group.id), 1);
    });

    test('question: the invite asks it without giving the answers away; a right answer however typed gets in', async () => {
      const group = await gatedGroup('暗号群', { mode: 'question', question: '本群的暗号是什么？', answers: ['芝麻开门', 'open sesame'] });
      const info = await invite(group);
      assert.deepEqual(info.gate, { mode: 'question', question: '本群的暗号是什么？' });
      assert.ok(!JSON.stringify(info).includes('芝麻') && !JSON.stringify(info).toLowerCase().includes('sesame'), 'no accepted answer in the invite');

      const m = new Member(server.url);
      assertGate(await m.join(group.inviteUrl, '小明'), 'answer_missing');
      assertGate(await m.join(group.inviteUrl, '小明', { answer: ' ？ ' }), 'answer_missing');
      const wrong = await m.join(group.inviteUrl, '小明', { answer: '芝麻' });
      assertGate(wrong, 'answer_wrong');
      assert.equal(wrong.body.error.details.attemptsLeft, 4);
      assert.equal(await memberCount(group.id), 0);
      assert.equal((await m.join(group.inviteUrl, '小明', { answer: '芝麻開門！' })).status, 201, 'traditional characters and punctuation');
      assert.equal((await new Member(server.url).join(group.inviteUrl, '小刚', { answer: 'ＯＰＥＮ　Ｓｅｓａｍｅ' })).status, 201, 'full width and case');
      assert.equal(await memberCount(group.id), 2);
    });

    test('a question without accepted answers takes any answer', async () => {
      const group = await gatedGroup('自我介绍群', { mode: 'question', question: '你从哪里知道我们的？', answers: [] });
      assertGate(await new Member(server.url).join(group.inviteUrl, '甲', { answer: '   ' }), 'answer_missing');
      assert.equal((await new Member(server.url).join(group.inviteUrl, '甲', { answer: '朋友推荐' })).status, 201);
    });

    test('wrong answers are limited: 5 per member, then 429 with Retry-After until the window passes', async () => {
      clock = T0 + 3_600_000;
      const group = await gatedGroup('防爆破群', { mode: 'question', question: '暗号？', answers: ['天王盖地虎'] });
      // A member with a token (from another group), so the per-member count applies.
      const open = await gatedGroup('开放群', { mode: 'off' });
      const m = new Member(server.url);
      assert.equal((await m.join(open.inviteUrl, '试探者')).status, 201);
      for (let i = 0; i < 5; i++) {
        const r = await m.join(group.inviteUrl, '试探者', { answer: `猜${i}` });
        assertGate(r, 'answer_wrong');
        assert.equal(r.body.error.details.attemptsLeft, 4 - i);
      }
      const locked = await m.join(group.inviteUrl, '试探者', { answer: '天王盖地虎' });
      assert.equal(locked.status, 429, 'even the right answer waits');
      assert.equal(locked.body.error.code, 'too_many_attempts');
      assert.equal(locked.headers.get('retry-after'), '600');
      clock += 4 * 60_000;
      assert.equal((await m.join(group.inviteUrl, '试探者', { answer: '天王盖地虎' })).headers.get('retry-after'), '360');
      // Other groups are not affected.
      const other = await gatedGroup('另一个暗号群', { mode: 'question', question: '暗号？', answers: ['宝塔镇河妖'] });
      assert.equal((await m.join(other.inviteUrl, '试探者', { answer: '宝塔镇河妖' })).status, 201);
      clock += 6 * 60_000;
      assert.equal((await m.join(group.inviteUrl, '试探者', { answer: '天王盖地虎' })).status, 201, 'after 10 minutes');
    });

    test('fresh tokens do not buy fresh tries: 20 wrong answers per address', async () => {
      clock = T0 + 7_200_000;
      const group = await gatedGroup('换号群', { mode: 'question', question: '暗号？', answers: ['正确答案'] });
      const open = await gatedGroup('换号开放群', { mode: 'off' });
      let wrong = 0;
      for (let k = 0; k < 4; k++) {
        const m = new Member(server.url);
        assert.equal((await m.join(open.inviteUrl, `马甲${k}`)).status, 201);
        for (let i = 0; i < 5; i++, wrong++) assertGate(await m.join(group.inviteUrl, `马甲${k}`, { answer: `错${wrong}` }), 'answer_wrong');
      }
      const m = new Member(server.url);
      assert.equal((await m.join(open.inviteUrl, '马甲9')).status, 201);
      const r = await m.join(group.inviteUrl, '马甲9', { answer: '正确答案' });
      assert.equal(r.status, 429, 'the address is out of tries');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      const fresh = await new Member(server.url).join(group.inviteUrl, '新人', { answer: '正确答案' });
      assert.equal(fresh.status, 429, 'without a token too');
    });

    test('a refused join sends no welcome and opens no membership; the gate does not change the join that passes', async () => {
      clock = T0 + 10_800_000;
      const group = await gatedGroup('欢迎验证群', { mode: 'accept_rules' });
      const m = new Member(server.url);
      assertGate(await m.join(group.inviteUrl, '小红'), 'rules_not_accepted');
      const out = () => server.rt.store.db.selectFrom('outbox').select('id').where('group_id', '=', group.id).execute();
      assert.equal((await out()).length, 0);
      assert.equal((await m.join(group.inviteUrl, '小红', { acceptRules: true })).status, 201);
      await server.rt.dispatcher.idle();
      const welcome = await server.rt.store.db.selectFrom('messages').select('text').where('group_id', '=', group.id).where('direction', '=', 'out').execute();
      assert.equal(welcome.length, 1);
      assert.match(welcome[0]!.text, /@小红/);
    });

    test('a bad body is a 400, not a gate refusal', async () => {
      const group = await gatedGroup('坏请求群', { mode: 'question', question: '？', answers: ['x'] });
      const code = group.inviteUrl.split('/').pop();
      const r = await fetch(`${server.url}/api/v1/webchat/invites/${code}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: '甲', answer: 'x'.repeat(201), acceptRules: 'yes' }) });
      assert.equal(r.status, 400);
    });
  });
}
