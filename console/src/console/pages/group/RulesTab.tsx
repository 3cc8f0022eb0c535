import { App, Button, Card, Col, Form, Input, Row, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { DEFAULT_WELCOME, GROUP_RULES_MAX, WelcomePut, type Group, type Message, type Policy } from '../../../../../src/shared/api.ts';
import { api } from '../../../api.ts';
import { useI18n, type MessageKey } from '../../../i18n.ts';
import { MessageText } from '../../../shared/MessageText.tsx';
import { useReportError, useSession } from '../../context.ts';
import { zodRule } from '../../zodRule.ts';

const PREVIEW_MEMBER = 'preview-member';

/**
 * The welcome as a new member will see it, rendered the way the server renders templates:
 * {nickname} becomes an @mention, {group} and {rules} plain text, {inviter} nothing for link
 * joins; the reply @-mentions the member up front when the template does not.
 */
function previewWelcome(template: string, nickname: string, group: string, rules: string): { text: string; mentions: Message['mentions'] } {
  let text = '';
  const mentions: Message['mentions'] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(nickname|group|rules|inviter)\}/g)) {
    text += template.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] === 'nickname') {
      const span = `@${nickname}`;
      mentions.push({ platformUserId: PREVIEW_MEMBER, offset: text.length, length: span.length });
      text += span;
    } else if (m[1] === 'group') text += group;
    else if (m[1] === 'rules') text += rules;
  }
  text += template.slice(last);
  if (mentions.length === 0) {
    const span = `@${nickname}`;
    return { text: `${span} ${text}`, mentions: [{ platformUserId: PREVIEW_MEMBER, offset: 0, length: span.length }] };
  }
  return { text, mentions };
}

/** Whose welcome and rules text: a group's (its own, else its template's), or a template's (for its groups without their own). */
export type RulesTabProps = { group: Group; onChange: (g: Group) => void } | { policy: Policy; onChange: (p: Policy) => void };

export function RulesTab(props: RulesTabProps) {
  const { t, locale } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const group = 'group' in props ? props.group : null;
  const template = group?.policy ?? null;
  const ownRules = 'group' in props ? props.group.rules : props.policy.rules;
  /** The text in force: the group's own, else its template's. */
  const savedRules = ownRules || (template?.rules ?? '');
  const savedWelcome = 'group' in props ? props.group.welcome : (props.policy.welcome ?? { enabled: true, template: DEFAULT_WELCOME[locale] });
  const [rules, setRules] = useState(savedRules);
  const [enabled, setEnabled] = useState(savedWelcome.enabled);
  const [welcomeText, setWelcomeText] = useState(savedWelcome.template);
  const [savingRules, setSavingRules] = useState(false);
  const [savingWelcome, setSavingWelcome] = useState(false);
  const [welcomeForm] = Form.useForm();
  const canRules = can(group ? 'groups:write' : 'policies:write');
  const canWelcome = can('rules:write');
  const rulesFromTemplate = template !== null && ownRules === '' && template.rules !== '';
  const welcomeFromTemplate = group !== null && !group.ownWelcome && template?.welcome != null;

  async function run(busy: (b: boolean) => void, work: () => Promise<void>, done: MessageKey) {
    busy(true);
    try {
      await work();
      void message.success(t(done));
    } catch (e) {
      report(e);
    } finally {
      busy(false);
    }
  }

  /** Saves the rules text; an empty one gives a group its template's again. */
  const saveRules = (text: string, done: MessageKey) =>
    run(setSavingRules, async () => {
      if ('group' in props) {
        const g = await api.patchGroup(props.group.id, { rules: text });
        props.onChange(g);
        setRules(g.rules || (g.policy?.rules ?? ''));
      } else {
        const p = props.policy;
        props.onChange(await api.replacePolicy(p.id, { name: p.name, settings: p.settings, rules: text }));
        setRules(text);
      }
    }, done);

  function showWelcome(w: { enabled: boolean; template: string }) {
    setEnabled(w.enabled);
    setWelcomeText(w.template);
    welcomeForm.setFieldsValue({ template: w.template });
  }

  const saveWelcome = () =>
    run(setSavingWelcome, async () => {
      const body = { enabled, template: welcomeText };
      if ('group' in props) props.onChange(await api.putWelcome(props.group.id, body));
      else props.onChange(await api.putPolicyWelcome(props.policy.id, body));
    }, 'welcome.saved');

  const resetWelcome = (groupId: string, onChange: (g: Group) => void) =>
    run(setSavingWelcome, async () => {
      const g = await api.resetWelcome(groupId);
      onChange(g);
      showWelcome(g.welcome);
    }, 'welcome.resetDone');

  const fromTemplate = (shown: boolean) =>
    shown &&
    template && (
      <Tag color="purple" bordered={false} data-testid="from-template">
        {t('rules.fromTemplate', { name: template.name })}
      </Tag>
    );

  const preview = previewWelcome(welcomeText, t('welcome.previewNickname'), group?.name ?? t('welcome.previewGroup'), rules);

  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={12}>
        <Card title={t('rules.title')} size="small" extra={fromTemplate(rulesFromTemplate)} data-testid="rules-card">
          <Typography.Paragraph type="secondary">{t(group ? 'rules.hint' : 'rules.policyHint')}</Typography.Paragraph>
          <Input.TextArea
            value={rules}
            onChange={(e) => setRules(e.target.value)}
            placeholder={t('rules.placeholder')}
            autoSize={{ minRows: 8, maxRows: 20 }}
            maxLength={GROUP_RULES_MAX}
            showCount
            disabled={!canRules}
            data-testid="rules-text"
          />
          <div className="c-card-actions">
            {canRules ? (
              <Space>
                {template !== null && ownRules !== '' && (
                  <Button onClick={() => void saveRules('', 'rules.resetDone')} loading={savingRules} data-testid="rules-reset">
                    {t('rules.resetToTemplate')}
                  </Button>
                )}
                <Button type="primary" onClick={() => void saveRules(rules, 'rules.saved')} loading={savingRules} disabled={rules === savedRules} data-testid="rules-save">
                  {t('common.save')}
                </Button>
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('common.readOnly')}</Typography.Text>
            )}
          </div>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('welcome.title')} size="small" extra={fromTemplate(welcomeFromTemplate)} data-testid="welcome-card">
          {!group && <Typography.Paragraph type="secondary">{t('welcome.policyHint')}</Typography.Paragraph>}
          <Form form={welcomeForm} layout="vertical" onFinish={() => void saveWelcome()} disabled={!canWelcome} requiredMark={false}>
            <Form.Item label={t('welcome.enabled')}>
              <Switch checked={enabled} onChange={setEnabled} data-testid="welcome-enabled" />
            </Form.Item>
            <Form.Item label={t('welcome.template')} extra={t('welcome.variables')} name="template" initialValue={savedWelcome.template} rules={[zodRule(WelcomePut.shape.template, t('welcome.required'))]}>
              <Input.TextArea onChange={(e) => setWelcomeText(e.target.value)} autoSize={{ minRows: 4, maxRows: 12 }} maxLength={2000} data-testid="welcome-template" />
            </Form.Item>
            <Typography.Text type="secondary">{t('welcome.preview')}</Typography.Text>
            <div className="c-preview" data-testid="welcome-preview">
              <span className="c-preview-bot">{t('messages.bot')}</span>
              <div className="c-preview-bubble">
                <MessageText text={preview.text} mentions={preview.mentions} me={PREVIEW_MEMBER} />
              </div>
            </div>
            <div className="c-card-actions">
              {canWelcome ? (
                <Space>
                  {'group' in props && props.group.ownWelcome && template?.welcome != null && (
                    <Button onClick={() => void resetWelcome(props.group.id, props.onChange)} loading={savingWelcome} data-testid="welcome-reset">
                      {t('rules.resetToTemplate')}
                    </Button>
                  )}
                  <Button type="primary" htmlType="submit" loading={savingWelcome} data-testid="welcome-save">
                    {t('common.save')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('common.readOnly')}</Typography.Text>
              )}
            </div>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}
