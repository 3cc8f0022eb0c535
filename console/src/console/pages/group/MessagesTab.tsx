import { SendOutlined } from '@ant-design/icons';
import { Alert, App, Avatar, Badge, Button, Empty, Input, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Group, Message } from '../../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../../src/shared/webchat-protocol.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { MessageText } from '../../../shared/MessageText.tsx';
import { mergeMessages } from '../../../shared/messages.ts';
import { useReportError, useSession } from '../../context.ts';
import { useLiveFeed } from '../../live.ts';
import { MAX_MESSAGE_LENGTH } from '../../../../../src/shared/limits.ts';

const PAGE = 50;

export function MessagesTab({ group }: { group: Group }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [messages, setMessages] = useState<Message[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [before, setBefore] = useState<string | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const cursorSet = useRef(false);

  const loadLatest = useCallback(() => {
    api.messages(group.id, undefined, PAGE).then((page) => {
      // The "load earlier" cursor comes from the first page only; later refreshes just merge.
      if (!cursorSet.current) {
        cursorSet.current = true;
        setBefore(page.nextBefore);
      }
      setMessages((cur) => mergeMessages(cur, page.items));
      setLoaded(true);
    }, report);
  }, [group.id, report]);

  useEffect(loadLatest, [loadLatest]);

  const onFrame = useCallback(
    (f: LiveFrame) => {
      if (f.type === 'message' && f.message.groupId === group.id) setMessages((cur) => mergeMessages(cur, [f.message]));
    },
    [group.id],
  );
  // On every reconnection (not the first open: the initial load covers it) fetch what was missed.
  const opened = useRef(false);
  const onOpen = useCallback(() => {
    if (opened.current) loadLatest();
    opened.current = true;
  }, [loadLatest]);
  const live = useLiveFeed(onFrame, onOpen);

  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const lastId = messages.at(-1)?.id;
  useLayoutEffect(() => {
    const el = logRef.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [lastId, messages.length]);

  async function loadEarlier() {
    if (before === null) return;
    const el = logRef.current;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    setLoadingEarlier(true);
    try {
      const page = await api.messages(group.id, before, PAGE);
      setBefore(page.nextBefore);
      setMessages((cur) => mergeMessages(cur, page.items));
    } catch (e) {
      anchor.current = null;
      report(e);
    } finally {
      setLoadingEarlier(false);
    }
  }

  async function send() {
    const body = text.trim();
    if (!body) return;
    setSending(true);
    try {
      await api.sendMessage(group.id, body);
      setText('');
      atBottom.current = true;
      void message.success(t('messages.sent'));
    } catch (e) {
      report(e);
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="c-messages">
      <div className="c-tab-toolbar">
        <Badge status={live === 'open' ? 'success' : 'warning'} text={live === 'open' ? t('messages.live') : t('messages.offline')} data-testid="live-status" />
      </div>
      <div
        className="c-log"
        ref={logRef}
        data-testid="message-log"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
        }}
      >
        {before !== null && (
          <div className="c-log-earlier">
            <Button size="small" onClick={() => void loadEarlier()} loading={loadingEarlier} data-testid="message-load-earlier">
              {t('common.loadEarlier')}
            </Button>
          </div>
        )}
        {loaded && messages.length === 0 && <Empty className="c-empty" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('messages.empty')} />}
        {messages.map((m) => (
          <LogItem key={m.id} message={m} quoted={m.replyToId === null ? undefined : byId.get(m.replyToId)} />
        ))}
      </div>
      {can('messages:send') ? (
        <div className="c-send">
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('messages.sendPlaceholder')}
            autoSize={{ minRows: 1, maxRows: 6 }}
            maxLength={MAX_MESSAGE_LENGTH}
            data-testid="message-input"
            onPressEnter={(e) => {
              if (e.shiftKey || e.nativeEvent.isComposing) return;
              e.preventDefault();
              void send();
            }}
          />
          <Button type="primary" icon={<SendOutlined />} onClick={() => void send()} loading={sending} disabled={text.trim() === ''} data-testid="message-send">
            {t('messages.send')}
          </Button>
        </div>
      ) : (
        <Alert type="info" showIcon message={t('messages.cannotSend')} />
      )}
    </div>
  );
}

function LogItem({ message: m, quoted }: { message: Message; quoted: Message | undefined }) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  return (
    <div className={`c-log-item${m.sender.isBot ? ' c-log-bot' : ''}`} data-testid="log-message" data-sender-bot={m.sender.isBot ? 'true' : 'false'}>
      <Avatar size={32} className="c-log-avatar" style={{ background: m.sender.isBot ? '#3370ff' : '#07a35a' }}>
        {[...m.sender.name.trim()][0] ?? '?'}
      </Avatar>
      <div className="c-log-main">
        <Space size={8} className="c-log-meta">
          {m.sender.contactId ? (
            <Link to={`/contacts/${m.sender.contactId}`} className="c-log-name">
              {m.sender.name}
            </Link>
          ) : (
            <Typography.Text strong className="c-log-name">
              {m.sender.name}
            </Typography.Text>
          )}
          {m.sender.isBot && <Tag color="blue">{t('messages.bot')}</Tag>}
          <Typography.Text type="secondary" className="c-log-time">
            {formatTime(m.createdAt)}
          </Typography.Text>
        </Space>
        {quoted && (
          <div className="c-log-quote">
            <Typography.Text strong type="secondary">
              {quoted.sender.name}
            </Typography.Text>{' '}
            {quoted.text}
          </div>
        )}
        <div className="c-log-text">
          <MessageText text={m.text} mentions={m.mentions} />
        </div>
      </div>
    </div>
  );
}
