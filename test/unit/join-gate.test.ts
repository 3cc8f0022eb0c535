// The join gate's verdict is pure: the group's gate and what the member sent in, a refusal or null.
// Answers meet after the moderation normalisation, so the usual ways of typing the same answer pass.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeJoin, type JoinGate } from '../../src/core/join-gate.ts';

const question = (answers: string[]): JoinGate => ({ mode: 'question', question: '本群的暗号是什么？', answers });

describe('judgeJoin', () => {
  test('off: anything passes', () => {
    assert.equal(judgeJoin({ mode: 'off', question: '', answers: [] }, {}), null);
  });

  test('accept_rules: only an explicit true passes', () => {
    const gate: JoinGate = { mode: 'accept_rules', question: '', answers: [] };
    assert.equal(judgeJoin(gate, { acceptRules: true }), null);
    assert.equal(judgeJoin(gate, { acceptRules: false }), 'rules_not_accepted');
    assert.equal(judgeJoin(gate, {}), 'rules_not_accepted');
    assert.equal(judgeJoin(gate, { answer: 'yes' }), 'rules_not_accepted');
  });

  test('question: the same answer however it is typed', () => {
    const gate = question(['读书会', 'Shequn 2025']);
    for (const typed of ['读书会', '讀書會', ' 读 书 会 ', '读书会！', '「读书会」', 'shequn2025', 'ＳＨＥＱＵＮ　２０２５', 'she-qun 2025.', 'SheQun\u200b2025']) {
      assert.equal(judgeJoin(gate, { answer: typed }), null, typed);
    }
  });

  test('question: other answers are wrong, and no answer is missing rather than wrong', () => {
    const gate = question(['读书会']);
    for (const typed of ['读书', '读书会会', 'dushuhui', '读书会 1']) assert.equal(judgeJoin(gate, { answer: typed }), 'answer_wrong', typed);
    for (const typed of [undefined, '', '   ', '？！…', '\u200b']) assert.equal(judgeJoin(gate, { answer: typed }), 'answer_missing', String(typed));
  });

  test('question without accepted answers: any answer with something in it passes', () => {
    const gate = question([]);
    assert.equal(judgeJoin(gate, { answer: '朋友推荐' }), null);
    assert.equal(judgeJoin(gate, { answer: '  ' }), 'answer_missing');
  });

  test('accepting the rules does not answer a question', () => {
    assert.equal(judgeJoin(question(['读书会']), { acceptRules: true }), 'answer_missing');
  });
});
