import { Button, Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Switch, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { INVITE_CAP_MAX, KEYWORD_MAX, KeywordCondition, ReplyAction, RuleInput, type Group, type RuleOut } from '../../../../../src/shared/api.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { useReportError } from '../../context.ts';
import { RuleList, type RuleEditorProps } from '../../RuleList.tsx';
import { zodRule } from '../../zodRule.ts';
import { MAX_MESSAGE_LENGTH } from '../../../../../src/shared/limits.ts';

interface KeywordValues {
  name: string;
  keywords: string[];
  mode: 'contains' | 'exact';
  /** Reply with a text, or invite into a group of a pool. */
  action: 'reply' | 'invite';
  reply: string;
  groupIds: string[];
  cap: number | null;
  privately: boolean;
  enabled: boolean;
}

/** Whose keyword replies: one group's, or a template's (they apply in every group following it). */
export type KeywordScope = { groupId: string } | { policyId: string };

/** The keyword-reply form as the API's RuleInput (a full replacement on edit). */
function toRuleInput(scope: KeywordScope, v: KeywordValues): RuleInput {
  return {
    groupId: 'groupId' in scope ? scope.groupId : null,
    policyId: 'policyId' in scope ? scope.policyId : null,
    name: v.name,
    preset: 'keyword_reply',
    enabled: v.enabled,
    priority: 0,
    stopAfterMatch: true,
    trigger: { type: 'message', scope: 'any' },
    conditions: [{ type: 'keyword', keywords: v.keywords, mode: v.mode }],
    actions: [v.action === 'invite' ? { type: 'invite', groupIds: v.groupIds, cap: v.cap ?? null, mention: true, privately: v.privately } : { type: 'reply', template: v.reply, mention: true, quote: true }],
  };
}

/** The rule's keyword condition and its reply (a keyword reply has one of each). */
const keywordOf = (rule: RuleOut) => rule.conditions.find((c) => c.type === 'keyword');
const replyOf = (rule: RuleOut) => rule.actions.find((a) => a.type === 'reply');
const inviteOf = (rule: RuleOut) => rule.actions.find((a) => a.type === 'invite');

function fromRule(rule: RuleOut): KeywordValues {
  const cond = keywordOf(rule);
  const invite = inviteOf(rule);
  return {
    name: rule.name,
    keywords: cond?.keywords ?? [],
    mode: cond?.mode ?? 'contains',
    action: invite ? 'invite' : 'reply',
    reply: replyOf(rule)?.template ?? '',
    groupIds: invite?.groupIds ?? [],
    cap: invite?.cap ?? null,
    privately: invite?.privately ?? false,
    enabled: rule.enabled,
  };
}

export function KeywordsTab({ scope }: { scope: KeywordScope }) {
  const { t } = useI18n();
  const report = useReportError();
  const [groups, setGroups] = useState<Group[]>([]);

  useEffect(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);
  const groupNames = (ids: string[]) => ids.map((id) => groups.find((g) => g.id === id)?.name ?? t('menus.previewMissing')).join('、');

  const fetch = useCallback(() => api.rules(scope).then((r) => r.items.filter((x) => x.preset === 'keyword_reply')), [scope]);

  return (
    <RuleList
      kind="keyword"
      fetch={fetch}
      switched={(rule, enabled) => toRuleInput(scope, { ...fromRule(rule), enabled })}
      columns={[
        { title: t('keywords.col.name'), dataIndex: 'name' },
        {
          title: t('keywords.col.keywords'),
          key: 'keywords',
          render: (_, r) => (
            <Space size={[4, 4]} wrap>
              {(keywordOf(r)?.keywords ?? []).map((k) => (
                <Tag key={k}>{k}</Tag>
              ))}
            </Space>
          ),
        },
        { title: t('keywords.col.mode'), key: 'mode', render: (_, r) => t(`keywords.mode.${keywordOf(r)?.mode ?? 'contains'}`) },
        {
          title: t('keywords.col.reply'),
          key: 'reply',
          ellipsis: true,
          render: (_, r) => {
            const invite = inviteOf(r);
            return invite ? t('keywords.inviteSummary', { groups: groupNames(invite.groupIds) }) : replyOf(r)?.template;
          },
        },
      ]}
      editor={(props) => <KeywordModal {...props} scope={scope} groups={groups} />}
    />
  );
}

function KeywordModal({ scope, groups, rule, onClose, save }: RuleEditorProps & { scope: KeywordScope; groups: Group[] }) {
  const { t } = useI18n();
  const report = useReportError();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<KeywordValues>();
  const action = Form.useWatch('action', form);
  const initial: KeywordValues = rule ? fromRule(rule) : { name: '', keywords: [], mode: 'contains', action: 'reply', reply: '', groupIds: [], cap: null, privately: false, enabled: true };

  async function submit(values: KeywordValues) {
    setBusy(true);
    try {
      await save(toRuleInput(scope, values));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  return (
    <Modal open title={rule ? t('keywords.editTitle') : t('keywords.createTitle')} onCancel={onClose} footer={null}>
      <Form<KeywordValues> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item name="name" label={t('keywords.name')} rules={[zodRule(RuleInput.shape.name, t('validation.required'))]}>
          <Input placeholder={t('keywords.namePlaceholder')} maxLength={80} data-testid="keyword-name" autoFocus />
        </Form.Item>
        <Form.Item name="keywords" label={t('keywords.keywords')} rules={[zodRule(KeywordCondition.shape.keywords, t('validation.keywords', { max: KEYWORD_MAX }))]}>
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} placeholder={t('keywords.keywordsPlaceholder')} data-testid="keyword-keywords" />
        </Form.Item>
        <Form.Item name="mode" label={t('keywords.mode')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'contains', label: t('keywords.mode.contains') },
              { value: 'exact', label: t('keywords.mode.exact') },
            ]}
          />
        </Form.Item>
        <Form.Item name="action" label={t('keywords.action')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'reply', label: t('keywords.action.reply') },
              { value: 'invite', label: <span data-testid="keyword-action-invite">{t('keywords.action.invite')}</span> },
            ]}
          />
        </Form.Item>
        {action === 'invite' ? (
          <>
            <Row gutter={12}>
              <Col span={16}>
                <Form.Item name="groupIds" label={t('menus.option.pool')} extra={t('menus.option.poolHint')} rules={[{ required: true, type: 'array', min: 1, message: t('menus.option.poolRequired') }]}>
                  <Select
                    mode="multiple"
                    optionFilterProp="label"
                    options={groups.filter((g) => g.inviteUrl !== null).map((g) => ({ value: g.id, label: t('menus.poolOption', { name: g.name, count: g.memberCount }) }))}
                    data-testid="keyword-pool"
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="cap" label={t('menus.option.cap')} extra={t('menus.option.capHint')}>
                  <InputNumber min={1} max={INVITE_CAP_MAX} precision={0} className="c-full" data-testid="keyword-cap" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="privately" valuePropName="checked" label={t('keywords.privately')}>
              <Switch data-testid="keyword-privately" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="reply" label={t('keywords.reply')} extra={t('keywords.replyHint')} rules={[zodRule(ReplyAction.shape.template, t('validation.required'))]}>
            <Input.TextArea placeholder={t('keywords.replyPlaceholder')} autoSize={{ minRows: 3, maxRows: 10 }} maxLength={MAX_MESSAGE_LENGTH} data-testid="keyword-reply" />
          </Form.Item>
        )}
        <Form.Item name="enabled" label={t('keywords.enabled')} valuePropName="checked">
          <Switch data-testid="keyword-enabled" />
        </Form.Item>
        <div className="c-modal-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="keyword-save">
            {t('common.save')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
