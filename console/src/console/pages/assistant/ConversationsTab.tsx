import { Avatar, Button, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { DirectConversation, Message } from '../../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../../src/shared/webchat-protocol.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { mergeMessages } from '../../../shared/messages.ts';
import { useReportError, useSession } from '../../context.ts';
import { useLiveUpdates } from '../../live.ts';
import { Composer, LogEntry } from '../../MessageLog.tsx';

const LIST_LIMIT = 200;
const PAGE = 50;

interface Thread {
  identityId: string;
  messages: Message[];
  /** Cursor of the page before the oldest loaded; null at the start. */
  before: string | null;
  loaded: boolean;
}

/**
 * The assistant's direct conversations: the list (latest activity first) and one conversation
 * with a box to answer as the assistant; both follow the live feed.
 */
export function ConversationsTab({ selected, onSelect }: { selected: string | null; onSelect: (identityId: string) => void }) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  const report = useReportError();
  const [conversations, setConversations] = useState<DirectConversation[] | null>(null);
  const [thread, setThread] = useState<Thread | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const listRef = useRef(conversations);
  useEffect(() => {
    listRef.current = conversations;
  });

  const loadList = useCallback(() => {
    api.directConversations(0, LIST_LIMIT).then((r) => setConversations(r.items), report);
  }, [report]);
  useEffect(loadList, [loadList]);

  const loadThread = useCallback(
    (identityId: string) => {
      api.directMessages(identityId, undefined, PAGE).then(
        (page) =>
          setThread((cur) =>
            cur?.identityId === identityId
              ? { ...cur, messages: mergeMessages(cur.messages, page.items), loaded: true }
              : { identityId, messages: page.items, before: page.nextBefore, loaded: true },
          ),
        report,
      );
    },
    [report],
  );
  useEffect(() => {
    if (selected) loadThread(selected);
  }, [selected, loadThread]);

  const onFrame = useCallback(
    (f: LiveFrame) => {
      if (f.type !== 'message' || f.directIdentityId === undefined) return;
      const identityId = f.directIdentityId;
      setThread((cur) => (cur?.identityId === identityId ? { ...cur, messages: mergeMessages(cur.messages, [f.message]) } : cur));
      // A conversation not in the list yet (a new member): fetch the list; else move it to the top.
      if (!listRef.current?.some((c) => c.identityId === identityId)) {
        loadList();
        return;
      }
      setConversations((cur) => {
        const known = cur?.find((c) => c.identityId === identityId);
        return cur && known ? [{ ...known, lastMessage: f.message, messageCount: known.messageCount + 1 }, ...cur.filter((c) => c !== known)] : cur;
      });
    },
    [loadList],
  );
  useLiveUpdates(onFrame, () => {
    loadList();
    if (selected) loadThread(selected);
  });

  const current = thread?.identityId === selected ? thread : null;
  const lastId = current?.messages.at(-1)?.id;
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId, selected]);

  async function loadEarlier() {
    if (!current || current.before === null) return;
    try {
      const page = await api.directMessages(current.identityId, current.before, PAGE);
      setThread((cur) => (cur?.identityId === current.identityId ? { ...cur, messages: mergeMessages(cur.messages, page.items), before: page.nextBefore } : cur));
    } catch (e) {
      report(e);
    }
  }

  // Nobody wrote yet; unless a conversation was asked for by name (a contact's "private chat" link).
  if (conversations !== null && conversations.length === 0 && !selected) {
    return <Empty className="c-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('assistant.conversations.empty')} />;
  }
  const who = conversations?.find((c) => c.identityId === selected);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={8}>
        <List<DirectConversation>
          className="c-conversations"
          loading={conversations === null}
          dataSource={conversations ?? []}
          data-testid="direct-conversations"
          renderItem={(c) => (
            <List.Item
              key={c.identityId}
              className={`c-conversation${c.identityId === selected ? ' c-conversation-active' : ''}`}
              onClick={() => onSelect(c.identityId)}
              data-testid="direct-conversation"
            >
              <List.Item.Meta
                avatar={<Avatar style={{ background: '#07a35a' }}>{[...c.displayName.trim()][0] ?? '?'}</Avatar>}
                title={
                  <Space size={6}>
                    <span>{c.displayName}</span>
                    <Typography.Text type="secondary" className="c-log-time">
                      {formatTime(c.lastMessage.createdAt)}
                    </Typography.Text>
                  </Space>
                }
                description={<span className="c-conversation-last">{`${c.lastMessage.sender.isBot ? `${t('messages.bot')}: ` : ''}${c.lastMessage.text}`}</span>}
              />
            </List.Item>
          )}
        />
      </Col>
      <Col xs={24} lg={16}>
        {!selected ? (
          <Empty className="c-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('assistant.conversations.pick')} />
        ) : (
          <div className="c-messages" data-testid="direct-thread">
            <div className="c-tab-toolbar">
              <Space size={8}>
                <Typography.Text strong data-testid="direct-thread-name">
                  {who?.displayName ?? ''}
                </Typography.Text>
                {who && <Tag>{t(`channel.${who.channelKind}`)}</Tag>}
                {who && <Typography.Text type="secondary">{t('assistant.conversations.count', { count: who.messageCount })}</Typography.Text>}
              </Space>
              {who && <Link to={`/contacts/${who.contactId}`}>{t('assistant.conversations.profile')}</Link>}
            </div>
            <div className="c-log" ref={logRef} data-testid="direct-log">
              {current && current.before !== null && (
                <div className="c-log-earlier">
                  <Button size="small" onClick={() => void loadEarlier()}>
                    {t('common.loadEarlier')}
                  </Button>
                </div>
              )}
              {current?.loaded && current.messages.length === 0 && <Empty className="c-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('assistant.noMessages')} />}
              {current?.messages.map((m) => <LogEntry key={m.id} message={m} data-testid="direct-message" />)}
            </div>
            <Composer placeholder={t('assistant.replyPlaceholder')} label={t('assistant.reply')} testid="direct" send={(body) => api.sendDirect(selected, body)} />
          </div>
        )}
      </Col>
    </Row>
  );
}
