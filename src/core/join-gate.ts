import { normalizeText } from './moderation/normalize.ts';

/**
 * The join gate (入群验证) of a group, where the channel has one: before a member gets in they
 * accept the group rules, or answer an entry question. Answers are compared after the moderation
 * normalisation (case, full/half width, spaces, punctuation, traditional/simplified Chinese), so
 * "ＳＨＥＱＵＮ", "she qun" and "Shequn!" are the same answer, as are 讀書會 and 读书会.
 */
export interface JoinGate {
  mode: 'off' | 'accept_rules' | 'question';
  question: string;
  /** Accepted answers; none: any answer at all is accepted (the question only slows bots down). */
  answers: readonly string[];
}

/** Why a join is refused. */
export type GateRefusal = 'rules_not_accepted' | 'answer_missing' | 'answer_wrong';

/** Pure: whether what the member sent passes the gate (null) or why not. */
export function judgeJoin(gate: JoinGate, input: { acceptRules?: boolean | undefined; answer?: string | undefined }): GateRefusal | null {
  switch (gate.mode) {
    case 'off':
      return null;
    case 'accept_rules':
      return input.acceptRules === true ? null : 'rules_not_accepted';
    case 'question': {
      const given = normalizeText(input.answer ?? '');
      if (given === '') return 'answer_missing';
      if (gate.answers.length === 0) return null;
      return gate.answers.some((a) => normalizeText(a) === given) ? null : 'answer_wrong';
    }
  }
}
