import { CheckOutlined, RollbackOutlined } from '@ant-design/icons';
import { App, Button, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { Case, CaseAction, CaseKind } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Translate } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { effectText, reversible, undoText } from './caseText.ts';
import { MemberActionsMenu, useMemberActions, type ActionTarget } from './MemberActions.tsx';

export const ACTION_COLOR: Record<CaseAction, string> = { block: 'red', warn: 'orange', alert: 'blue', mute: 'purple', kick: 'volcano', ban: 'magenta', refuse: 'default', lockdown: 'gold' };
export const KIND_COLOR: Record<CaseKind, string> = {
  sensitive_word: 'red',
  ad: 'volcano',
  flood: 'orange',
  raid: 'magenta',
  blacklisted_join: 'default',
  invite_not_allowed: 'purple',
  pool_full: 'gold',
  manual: 'cyan',
};
const STATUS_COLOR = { open: 'gold', resolved: 'green', undone: 'default' } as const;

export function ActionTag({ action, t }: { action: CaseAction; t: Translate }) {
  return (
    <Tag color={ACTION_COLOR[action]} bordered={false}>
      {t(`mod.action.${action}`)}
    </Tag>
  );
}

/** A case a human must look at: an alert only, a removal the channel could not do, a raid. */
export const needsHuman = (c: Case) => c.applied === 'alert' || c.kind === 'raid' || c.effects.some((e) => e.type === 'removal_needed');

/** The confirm buttons of the popovers, for tests (antd's props take no data-* keys). */
const undoConfirmTestId = { 'data-testid': 'case-undo-confirm' };

interface CaseTableProps {
  items: Case[] | null;
  /** A case replaced by what the server answered (resolved, undone). */
  onChanged: (c: Case) => void;
  /** Hide the member column (a profile shows one member's cases). */
  member?: boolean;
  /** A case to bring into view and mark (a link from the blacklist). */
  highlight?: string | null;
  empty?: React.ReactNode;
}

/**
 * Moderation cases: who, where, why, what was done (in words), the evidence and who acted; with
 * one-click handling of open cases — resolve, undo (saying what it reverses and what it cannot),
 * and for alerts, acting on the member right there.
 */
export function CaseTable({ items, onChanged, member = true, highlight = null, empty }: CaseTableProps) {
  const { t } = useI18n();
  const { formatTime, can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const canAct = can('moderation:act');
  const tableRef = useRef<HTMLDivElement>(null);

  const actions = useMemberActions<ActionTarget & { caseId: string }>((_done, target) => {
    // The member was dealt with from this alert: it leaves the queue (the action is a case of its own).
    api.resolveCase(target.caseId).then(onChanged, report);
  });

  useEffect(() => {
    if (!highlight || !items) return;
    tableRef.current?.querySelector(`[data-case-id="${CSS.escape(highlight)}"]`)?.scrollIntoView({ block: 'center' });
  }, [highlight, items]);

  async function close(c: Case, how: 'resolve' | 'undo') {
    try {
      const next = how === 'resolve' ? await api.resolveCase(c.id) : await api.undoCase(c.id);
      onChanged(next);
      void message.success(t(how === 'resolve' ? 'case.resolved' : 'case.undone', { name: c.member.name }));
    } catch (e) {
      report(e);
    }
  }

  function target(c: Case): (ActionTarget & { caseId: string }) | null {
    if (!c.groupId) return null;
    return {
      caseId: c.id,
      groupId: c.groupId,
      groupName: c.groupName ?? '',
      contactId: c.member.contactId,
      name: c.member.name,
      ...(c.evidence.messageId && c.evidence.text !== null ? { evidence: { messageId: c.evidence.messageId, text: c.evidence.text } } : {}),
    };
  }

  return (
    <div ref={tableRef}>
      <Table<Case>
        rowKey="id"
        size={member ? 'middle' : 'small'}
        loading={items === null}
        dataSource={items ?? []}
        pagination={false}
        data-testid="case-table"
        scroll={{ x: 1080 }}
        rowClassName={(c) => (c.id === highlight ? 'c-row-highlight' : '')}
        onRow={(c) => ({ 'data-testid': 'case-row', 'data-case-id': c.id, 'data-status': c.status }) as React.HTMLAttributes<HTMLElement>}
        locale={{ emptyText: empty ?? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mod.cases.empty.title')} /> }}
        columns={[
          { title: t('mod.cases.col.time'), dataIndex: 'createdAt', width: 140, render: (ms: number) => formatTime(ms) },
          {
            title: member ? t('mod.cases.col.member') : t('mod.cases.col.group'),
            key: 'member',
            width: 150,
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                {member && (
                  <Link to={`/contacts/${c.member.contactId}`} data-testid="case-member">
                    {c.member.name}
                  </Link>
                )}
                {c.groupId ? (
                  <Link to={`/groups/${c.groupId}?tab=messages`} className={member ? 'c-secondary-link' : undefined}>
                    {c.groupName}
                  </Link>
                ) : (
                  !member && <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('mod.cases.col.why'),
            key: 'why',
            width: 200,
            render: (_, c) => (
              <Space size={[4, 4]} wrap>
                <Tag color={KIND_COLOR[c.kind]} data-testid="case-kind">
                  {t(`case.kind.${c.kind}`)}
                </Tag>
                {c.words.map((w) => (
                  <Tag key={`${w.listId}:${w.word}`} color={ACTION_COLOR[w.action]} bordered={false} data-testid="case-word">
                    {w.word}
                  </Tag>
                ))}
                {c.ads.map((a, i) => (
                  <Tooltip key={`${a.kind}:${i}`} title={t(`case.ad.${a.kind}`)}>
                    <Tag bordered={false} data-testid="case-ad">
                      {a.text}
                    </Tag>
                  </Tooltip>
                ))}
                {c.reason && (
                  <Typography.Text type="secondary" data-testid="case-reason">
                    {c.reason}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('mod.cases.col.action'),
            key: 'action',
            width: 230,
            render: (_, c) => (
              <Space orientation="vertical" size={2}>
                <span data-testid="case-action">
                  <ActionTag action={c.applied} t={t} />
                  {c.action !== c.applied && <Typography.Text type="secondary">{t('case.asked', { action: t(`mod.action.${c.action}`) })}</Typography.Text>}
                </span>
                {c.effects.length > 0 && (
                  <Space size={[4, 4]} wrap data-testid="case-effects">
                    {c.effects.map((e, i) => {
                      const undone = c.status === 'undone' && reversible(e);
                      return (
                        <Tag key={i} color={e.type === 'removal_needed' ? 'warning' : undefined} bordered={false} data-testid="case-effect" data-effect={e.type} title={undone ? t('case.status.undone') : undefined}>
                          {undone ? <del>{effectText(t, e, c, formatTime)}</del> : effectText(t, e, c, formatTime)}
                        </Tag>
                      );
                    })}
                  </Space>
                )}
                <Typography.Text type="secondary" className="c-small" data-testid="case-actor">
                  {t('case.by', { actor: c.actor })}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('mod.cases.col.evidence'),
            key: 'evidence',
            render: (_, c) =>
              c.evidence.text === null ? (
                t('common.none')
              ) : (
                <Space size={6} wrap>
                  <Typography.Text delete={c.evidence.deletedAt !== null} data-testid="case-evidence" data-deleted={c.evidence.deletedAt !== null}>
                    {c.evidence.text}
                  </Typography.Text>
                  {c.evidence.deletedAt !== null && (
                    <Tag bordered={false} title={formatTime(c.evidence.deletedAt)}>
                      {t('mod.cases.evidenceDeleted')}
                    </Tag>
                  )}
                </Space>
              ),
          },
          {
            title: t('mod.cases.col.status'),
            key: 'status',
            width: canAct ? 210 : 110,
            fixed: 'right',
            render: (_, c) => {
              const tag = (
                <Tag color={STATUS_COLOR[c.status]} data-testid="case-status">
                  {t(`case.status.${c.status}`)}
                </Tag>
              );
              if (c.status !== 'open') {
                return (
                  <Tooltip title={c.resolvedAt === null ? undefined : t(c.status === 'undone' ? 'case.undoneBy' : 'case.resolvedBy', { name: c.resolvedBy ?? '', time: formatTime(c.resolvedAt) })}>
                    {tag}
                  </Tooltip>
                );
              }
              if (!canAct) return tag;
              const undo = undoText(t, c);
              const act = c.applied === 'alert' ? target(c) : null;
              return (
                <Space size={4} wrap>
                  {tag}
                  <Button size="small" type="link" icon={<CheckOutlined />} onClick={() => void close(c, 'resolve')} data-testid="case-resolve">
                    {t('case.resolve')}
                  </Button>
                  {undo.reverses.length > 0 && (
                    <Popconfirm
                      title={t('case.undoConfirm')}
                      description={
                        <div className="c-popconfirm-body" data-testid="case-undo-text">
                          <div>{t('case.undoReverses', { what: undo.reverses.join(t('list.separator')) })}</div>
                          {undo.stays.map((s) => (
                            <div key={s}>{s}</div>
                          ))}
                        </div>
                      }
                      placement="topRight"
                      onConfirm={() => close(c, 'undo')}
                      okText={t('case.undo')}
                      okButtonProps={{ danger: true, ...undoConfirmTestId }}
                      cancelText={t('common.cancel')}
                    >
                      <Button size="small" type="link" danger icon={<RollbackOutlined />} data-testid="case-undo">
                        {t('case.undo')}
                      </Button>
                    </Popconfirm>
                  )}
                  {act && <MemberActionsMenu target={act} active onPick={actions.open} />}
                </Space>
              );
            },
          },
        ]}
      />
      {actions.element}
    </div>
  );
}
