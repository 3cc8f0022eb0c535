import { DeleteOutlined, ExclamationCircleOutlined, StopOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popconfirm, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Group, Message } from '../../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../../src/shared/webchat-protocol.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { ApiRequestError } from '../../../api.ts';
import { markDeleted, mergeMessages } from '../../../shared/messages.ts';
import { useReportError, useSession } from '../../context.ts';
import { useLiveUpdates } from '../../live.ts';
import { Composer, LogEntry } from '../../MessageLog.tsx';
import { useMemberActions, type MemberAction } from '../../moderation/MemberActions.tsx';

const PAGE = 50;
/** A deletion is queued (202) and normally confirmed by the live feed within a moment; if not, reload. */
const DELETE_CONFIRM_MS = 15_000;

export function MessagesTab({ group }: { group: Group }) {
  const { t } = useI18n();
  const { can } = useSession();
  const report = useReportError();
  const [messages, setMessages] = useState<Message[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [before, setBefore] = useState<string | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const cursorSet = useRef(false);
  const canModerate = can('moderation:act');
  /** Messages whose deletion was accepted and is not confirmed yet, with the fallback timer. */
  const [deleting, setDeleting] = useState<ReadonlyMap<string, ReturnType<typeof setTimeout>>>(new Map());
  const deletingRef = useRef(deleting);
  useEffect(() => {
    deletingRef.current = deleting;
  });
  useEffect(() => () => deletingRef.current.forEach((timer) => clearTimeout(timer)), []);

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
      if (f.type === 'message_deleted' && f.groupId === group.id) {
        setMessages((cur) => markDeleted(cur, f.messageId) ?? cur);
        settleDeleting(f.messageId);
      }
    },
    [group.id],
  );
  const live = useLiveUpdates(onFrame, loadLatest);
  // What an action does reaches the log by itself (the bot's warning, deletions).
  const actions = useMemberActions();

  function act(action: Extract<MemberAction, 'warn' | 'blacklist'>, m: Message) {
    if (!m.sender.contactId) return;
    actions.open(action, { groupId: group.id, groupName: group.name, contactId: m.sender.contactId, name: m.sender.name, evidence: { messageId: m.id, text: m.text } });
  }

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

  function settleDeleting(messageId: string) {
    setDeleting((cur) => {
      const timer = cur.get(messageId);
      if (timer === undefined) return cur;
      clearTimeout(timer);
      const next = new Map(cur);
      next.delete(messageId);
      return next;
    });
  }

  async function deleteMessage(m: Message) {
    try {
      await api.deleteMessage(group.id, m.id);
      // Queued: the live feed's message_deleted marks it. Should that not come, reload the latest page.
      const timer = setTimeout(() => {
        settleDeleting(m.id);
        loadLatest();
      }, DELETE_CONFIRM_MS);
      setDeleting((cur) => new Map(cur).set(m.id, timer));
    } catch (e) {
      report(e);
      // Someone else deleted it meanwhile: show it as deleted.
      if (e instanceof ApiRequestError && e.code === 'already_deleted') loadLatest();
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
          <LogItem
            key={m.id}
            message={m}
            quoted={m.replyToId === null ? undefined : byId.get(m.replyToId)}
            canDelete={canModerate && m.deletedAt === null}
            deleting={deleting.has(m.id)}
            onDelete={() => deleteMessage(m)}
            onAct={canModerate && !m.sender.isBot && m.sender.contactId !== null ? (action) => act(action, m) : null}
          />
        ))}
      </div>
      <Composer
        placeholder={t('messages.sendPlaceholder')}
        label={t('messages.send')}
        testid="message"
        send={async (body) => {
          await api.sendMessage(group.id, body);
          // Your own message is where to look, even if you had scrolled up.
          atBottom.current = true;
        }}
      />
      {actions.element}
    </div>
  );
}

interface LogItemProps {
  message: Message;
  quoted: Message | undefined;
  canDelete: boolean;
  deleting: boolean;
  onDelete: () => Promise<void>;
  /** Warn or blacklist the sender with this message as evidence; null: not for this message or role. */
  onAct: ((action: 'warn' | 'blacklist') => void) | null;
}

/** The confirm button of the delete popover, for tests (antd's props take no data-* keys). */
const confirmTestId = { 'data-testid': 'log-message-delete-confirm' };

function LogItem({ message: m, quoted, canDelete, deleting, onDelete, onAct }: LogItemProps) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  const deleted = m.deletedAt !== null;
  return (
    <LogEntry
      message={m}
      name={
        m.sender.contactId ? (
          <Link to={`/contacts/${m.sender.contactId}`} className="c-log-name">
            {m.sender.name}
          </Link>
        ) : undefined
      }
      tags={
        deleted && (
          <Tooltip title={t('messages.deletedAt', { time: formatTime(m.deletedAt) })}>
            <Tag color="red" icon={<DeleteOutlined />} data-testid="log-message-deleted">
              {t('common.deleted')}
            </Tag>
          </Tooltip>
        )
      }
      className={deleted ? 'c-log-deleted' : undefined}
      data-testid="log-message"
      data-message-id={m.id}
      data-deleted={deleted ? 'true' : 'false'}
    >
      {(canDelete || onAct) && (
        <div className={`c-log-actions${deleting ? ' c-log-actions-busy' : ''}`}>
          {onAct && (
            <>
              <Button size="small" type="text" icon={<ExclamationCircleOutlined />} aria-label={t('messages.warnSender')} title={t('messages.warnSender')} onClick={() => onAct('warn')} data-testid="log-message-warn" />
              <Button size="small" type="text" danger icon={<StopOutlined />} aria-label={t('messages.blacklistSender')} title={t('messages.blacklistSender')} onClick={() => onAct('blacklist')} data-testid="log-message-blacklist" />
            </>
          )}
          {canDelete &&
            (deleting ? (
              <Button size="small" type="text" loading aria-label={t('messages.deleting')} title={t('messages.deleting')} data-testid="log-message-deleting" />
            ) : (
              <Popconfirm
                title={t('messages.deleteConfirm')}
                description={<div className="c-popconfirm-body">{t('messages.deleteHint')}</div>}
                placement="left"
                onConfirm={onDelete}
                okText={t('common.delete')}
                okButtonProps={{ danger: true, ...confirmTestId }}
                cancelText={t('common.cancel')}
              >
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('messages.delete')} title={t('messages.delete')} data-testid="log-message-delete" />
              </Popconfirm>
            ))}
        </div>
      )}
      {quoted && (
        <div className="c-log-quote">
          <Typography.Text strong type="secondary">
            {quoted.sender.name}
          </Typography.Text>{' '}
          {quoted.text}
        </div>
      )}
    </LogEntry>
  );
}
