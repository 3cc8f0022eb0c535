import { CopyOutlined, EditOutlined, LinkOutlined, MessageOutlined, ReloadOutlined, RobotOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Input, Popconfirm, Row, Space, Statistic, Steps, Typography } from 'antd';
import { useState } from 'react';
import type { Group } from '../../../../../src/shared/api.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { useReportError, useSession } from '../../context.ts';

/** Dates are longer than counts: a smaller figure keeps the four cards one height. */
const DATE_STYLE = { fontSize: 18, lineHeight: '38px' } as const;

interface Props {
  group: Group;
  onChange: (g: Group) => void;
  onGoTo: (tab: 'rules' | 'keywords' | 'messages') => void;
}

export function OverviewTab({ group, onChange, onGoTo }: Props) {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [rotating, setRotating] = useState(false);

  async function copy() {
    if (!group.inviteUrl) return;
    try {
      await navigator.clipboard.writeText(group.inviteUrl);
      void message.success(t('common.copied'));
    } catch {
      // Clipboard refused (permissions, plain http): select the text so Ctrl+C works.
      const el = document.querySelector<HTMLInputElement>('[data-testid="invite-link"]');
      el?.select();
    }
  }

  async function rotate() {
    setRotating(true);
    try {
      onChange(await api.rotateInvite(group.id));
      void message.success(t('group.rotated'));
    } catch (e) {
      report(e);
    } finally {
      setRotating(false);
    }
  }

  return (
    <Space direction="vertical" size="large" className="c-full">
      <Card title={<Space><LinkOutlined />{t('group.inviteLink')}</Space>} size="small">
        {group.inviteUrl ? (
          <>
            <Typography.Paragraph type="secondary">{t('group.inviteHint')}</Typography.Paragraph>
            <Space.Compact className="c-full">
              <Input readOnly value={group.inviteUrl} data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
              <Button type="primary" icon={<CopyOutlined />} onClick={() => void copy()} data-testid="invite-copy">
                {t('common.copy')}
              </Button>
              {can('groups:write') && (
                <Popconfirm title={t('group.rotateConfirm')} onConfirm={() => void rotate()} okText={t('common.yes')} cancelText={t('common.no')}>
                  <Button icon={<ReloadOutlined />} loading={rotating} data-testid="invite-rotate">
                    {t('group.rotate')}
                  </Button>
                </Popconfirm>
              )}
            </Space.Compact>
          </>
        ) : (
          <Typography.Text type="secondary">{t('group.inviteNone')}</Typography.Text>
        )}
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('group.stat.members')} value={group.memberCount} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('group.stat.messages')} value={group.messageCount} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('group.stat.lastActivity')} value={formatTime(group.lastMessageAt)} styles={{ content: DATE_STYLE }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('group.stat.created')} value={formatTime(group.createdAt)} styles={{ content: DATE_STYLE }} />
          </Card>
        </Col>
      </Row>
      <Card title={t('group.nextSteps')} size="small">
        <Steps
          direction="vertical"
          size="small"
          current={-1}
          items={[
            { icon: <EditOutlined />, title: <a onClick={() => onGoTo('rules')}>{t('group.tab.rules')}</a>, description: t('group.step.rules') },
            { icon: <RobotOutlined />, title: <a onClick={() => onGoTo('keywords')}>{t('group.tab.keywords')}</a>, description: t('group.step.keywords') },
            { icon: <LinkOutlined />, title: t('group.inviteLink'), description: t('group.step.invite') },
            { icon: <MessageOutlined />, title: <a onClick={() => onGoTo('messages')}>{t('group.tab.messages')}</a>, description: t('group.step.messages') },
          ]}
        />
      </Card>
    </Space>
  );
}
