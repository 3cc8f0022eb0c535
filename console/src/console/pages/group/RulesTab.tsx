import { App, Button, Card, Col, Form, Input, Row, Switch, Typography } from 'antd';
import { useState } from 'react';
import { GROUP_RULES_MAX, WelcomePut, type Group, type Message } from '../../../../../src/shared/api.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
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

export function RulesTab({ group, onChange }: { group: Group; onChange: (g: Group) => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [rules, setRules] = useState(group.rules);
  const [enabled, setEnabled] = useState(group.welcome.enabled);
  const [template, setTemplate] = useState(group.welcome.template);
  const [savingRules, setSavingRules] = useState(false);
  const [savingWelcome, setSavingWelcome] = useState(false);
  const [welcomeForm] = Form.useForm();
  const canRules = can('groups:write');
  const canWelcome = can('rules:write');

  async function saveRules() {
    setSavingRules(true);
    try {
      const g = await api.patchGroup(group.id, { rules });
      onChange(g);
      setRules(g.rules);
      void message.success(t('rules.saved'));
    } catch (e) {
      report(e);
    } finally {
      setSavingRules(false);
    }
  }

  async function saveWelcome() {
    setSavingWelcome(true);
    try {
      const g = await api.putWelcome(group.id, { enabled, template });
      onChange(g);
      void message.success(t('welcome.saved'));
    } catch (e) {
      report(e);
    } finally {
      setSavingWelcome(false);
    }
  }

  const preview = previewWelcome(template, t('welcome.previewNickname'), group.name, rules);

  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={12}>
        <Card title={t('rules.title')} size="small">
          <Typography.Paragraph type="secondary">{t('rules.hint')}</Typography.Paragraph>
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
              <Button type="primary" onClick={() => void saveRules()} loading={savingRules} disabled={rules === group.rules} data-testid="rules-save">
                {t('common.save')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('common.readOnly')}</Typography.Text>
            )}
          </div>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('welcome.title')} size="small">
          <Form form={welcomeForm} layout="vertical" onFinish={() => void saveWelcome()} disabled={!canWelcome} requiredMark={false}>
            <Form.Item label={t('welcome.enabled')}>
              <Switch checked={enabled} onChange={setEnabled} data-testid="welcome-enabled" />
            </Form.Item>
            <Form.Item
              label={t('welcome.template')}
              extra={t('welcome.variables')}
              name="template"
              initialValue={group.welcome.template}
              rules={[zodRule(WelcomePut.shape.template, t('welcome.required'))]}
            >
              <Input.TextArea onChange={(e) => setTemplate(e.target.value)} autoSize={{ minRows: 4, maxRows: 12 }} maxLength={2000} data-testid="welcome-template" />
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
                <Button type="primary" htmlType="submit" loading={savingWelcome} data-testid="welcome-save">
                  {t('common.save')}
                </Button>
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
