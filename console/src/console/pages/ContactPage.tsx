import { StopOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, List, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { ContactProfile } from '../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../src/shared/webchat-protocol.ts';
import { api, ApiRequestError } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { MessageText } from '../../shared/MessageText.tsx';
import { errorText, useSession } from '../context.ts';
import { useLiveUpdates } from '../live.ts';
import { BlacklistModal, MemberActionsMenu, useMemberActions } from '../moderation/MemberActions.tsx';
import { StandingCard } from '../moderation/StandingCard.tsx';
import { PageHeader } from '../PageHeader.tsx';

type Membership = ContactProfile['memberships'][number];
type Identity = ContactProfile['identities'][number];
const STATUS_COLOR = { active: 'green', left: 'default', removed: 'red' } as const;

export function ContactPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { formatTime, can } = useSession();
  const [params] = useSearchParams();
  const [contact, setContact] = useState<ContactProfile | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Bumped when something may have changed the contact's standing (an action, a live case). */
  const [version, setVersion] = useState(0);
  const [blacklisting, setBlacklisting] = useState(false);
  const canAct = can('moderation:act');

  useEffect(() => {
    setError(null);
    api.contact(id).then(setContact, setError);
  }, [id, version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const onFrame = useCallback((f: LiveFrame) => f.type === 'case' && f.case.member.contactId === id && refresh(), [id, refresh]);
  useLiveUpdates(onFrame, refresh);
  const actions = useMemberActions(refresh);

  if (error) {
    const missing = error instanceof ApiRequestError && error.status === 404;
    return <Result status={missing ? '404' : 'warning'} title={missing ? t('common.notFound') : errorText(error, t)} />;
  }
  if (!contact || contact.id !== id) {
    return (
      <div className="c-center">
        <Spin />
      </div>
    );
  }
  const groupsBack = contact.memberships[0] ? `/groups/${contact.memberships[0].groupId}?tab=members` : '/groups';

  return (
    <div data-testid="contact-profile">
      <PageHeader
        back={groupsBack}
        title={<span data-testid="contact-name">{contact.displayName}</span>}
        subtitle={t('contact.title')}
        extra={
          canAct && (
            <Button danger icon={<StopOutlined />} onClick={() => setBlacklisting(true)} data-testid="contact-blacklist">
              {t('bl.add')}
            </Button>
          )
        }
      />
      <Space orientation="vertical" size="large" className="c-full">
        <Card size="small">
          <Descriptions column={{ xs: 1, md: 3 }} size="small">
            <Descriptions.Item label={t('contact.col.displayName')}>{contact.displayName}</Descriptions.Item>
            <Descriptions.Item label={t('contact.since')}>{formatTime(contact.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('contact.memberships')}>{contact.memberships.length}</Descriptions.Item>
          </Descriptions>
        </Card>
        <Card size="small" title={t('contact.memberships')}>
          <Table<Membership>
            rowKey="memberId"
            size="small"
            pagination={false}
            dataSource={contact.memberships}
            data-testid="contact-memberships"
            columns={[
              { title: t('contact.col.group'), dataIndex: 'groupName', render: (name: string, m) => <Link to={`/groups/${m.groupId}`}>{name}</Link> },
              { title: t('members.col.role'), dataIndex: 'role', render: (r: Membership['role']) => t(`memberRole.${r}`) },
              { title: t('members.col.status'), dataIndex: 'status', render: (s: Membership['status']) => <Tag color={STATUS_COLOR[s]}>{t(`memberStatus.${s}`)}</Tag> },
              { title: t('members.col.joined'), dataIndex: 'joinedAt', render: (ms: number) => formatTime(ms) },
              { title: t('members.col.left'), dataIndex: 'leftAt', render: (ms: number | null) => formatTime(ms) },
              { title: t('members.col.messages'), dataIndex: 'messageCount', align: 'right' },
              ...(canAct
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      width: 110,
                      render: (_: unknown, m: Membership) =>
                        m.role === 'owner' ? null : (
                          <MemberActionsMenu
                            target={{ groupId: m.groupId, groupName: m.groupName, contactId: contact.id, name: contact.displayName, memberId: m.memberId }}
                            active={m.status === 'active'}
                            onPick={actions.open}
                          />
                        ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
        <StandingCard contact={contact} version={version} highlight={params.get('case')} onChanged={refresh} />
        <Card size="small" title={t('contact.identities')}>
          <Table<Identity>
            rowKey={(i) => `${i.channelAccountId}:${i.platformUserId}`}
            size="small"
            pagination={false}
            dataSource={contact.identities}
            columns={[
              { title: t('contact.col.channel'), dataIndex: 'channelKind', render: (k: Identity['channelKind']) => <Tag>{t(`channel.${k}`)}</Tag> },
              { title: t('contact.col.displayName'), dataIndex: 'displayName' },
              { title: t('contact.col.userId'), dataIndex: 'platformUserId', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
              {
                title: t('contact.direct'),
                key: 'direct',
                render: (_, i) => (
                  <Link to={`/assistant?identity=${encodeURIComponent(i.id)}`} data-testid="contact-open-direct">
                    {t('contact.openDirect')}
                  </Link>
                ),
              },
            ]}
          />
        </Card>
        <Card size="small" title={t('contact.recentMessages')}>
          {contact.recentMessages.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contact.noMessages')} />
          ) : (
            <List
              data-testid="contact-messages"
              dataSource={contact.recentMessages}
              renderItem={(m) => (
                <List.Item key={m.id}>
                  <List.Item.Meta
                    title={
                      <Space size={8}>
                        <Typography.Text type="secondary">{formatTime(m.createdAt)}</Typography.Text>
                        {m.groupId ? (
                          <Link to={`/groups/${m.groupId}?tab=messages`}>{contact.memberships.find((g) => g.groupId === m.groupId)?.groupName ?? ''}</Link>
                        ) : (
                          <Tag color="blue">{t('contact.direct')}</Tag>
                        )}
                      </Space>
                    }
                    description={
                      <span className="c-log-text">
                        <MessageText text={m.text} mentions={m.mentions} />
                      </span>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
      </Space>
      {actions.element}
      {blacklisting && (
        <BlacklistModal
          contact={{ id: contact.id, name: contact.displayName }}
          groups={contact.memberships.map((m) => ({ id: m.groupId, name: m.groupName }))}
          onClose={() => setBlacklisting(false)}
          onDone={() => {
            setBlacklisting(false);
            refresh();
          }}
        />
      )}
    </div>
  );
}
