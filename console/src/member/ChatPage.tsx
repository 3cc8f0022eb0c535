import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router';
import type { Message, WebchatMember } from '../../../src/shared/api.ts';
import type { Locale, Translate } from '../i18n.ts';
import { formatChatTime } from '../shared/format.ts';
import { MessageText } from '../shared/MessageText.tsx';
import { avatarColor, initial } from './avatar.ts';
import { BackIcon, DoorIcon } from './icons.tsx';
import { ChatRoom, type PendingMessage, type RoomKind } from './chatRoom.ts';
import { InviteCard, inviteCodeIn } from './InviteCard.tsx';
import { activeMentionQuery, mentionCandidates, mentionsIn, type MentionPick } from './mentions.ts';
import { memberStorage } from './storage.ts';
import { useMemberI18n } from './useMemberI18n.ts';
import './member.css';
import { MAX_MESSAGE_LENGTH } from '../../../src/shared/limits.ts';


/** A group's chat (`/chat/:groupId`), or with kind "direct" the member's private chat with the assistant opened from it (`/chat/:groupId/assistant`). */
export default function ChatPage({ kind = 'group' }: { kind?: RoomKind }) {
  const { groupId = '' } = useParams();
  const i18n = useMemberI18n();
  const [token, setToken] = useState(() => memberStorage.token());
  const room = useMemo(
    () =>
      token
        ? new ChatRoom(
            groupId,
            token,
            () => {
              memberStorage.setToken(null);
              setToken(null);
            },
            kind,
          )
        : null,
    [groupId, token, kind],
  );

  useEffect(() => {
    if (!room) return;
    room.start();
    return () => room.stop();
  }, [room]);

  if (!room) return <NotMember groupId={groupId} wasIn={false} t={i18n.t} />;
  return <Room room={room} locale={i18n.locale} t={i18n.t} />;
}

/**
 * The room refused us, or we have no token. Someone who was in the group (the room was open, or
 * this browser joined it before) left or was removed: say so, and offer the invite link again.
 */
function NotMember({ groupId, wasIn, t }: { groupId: string; wasIn: boolean; t: Translate }) {
  const code = memberStorage.inviteCode(groupId);
  const noLonger = wasIn || code !== null;
  return (
    <div className="m-page">
      <main className="m-card">
        <div className="m-notice" data-testid="chat-not-member" data-reason={noLonger ? 'no-longer' : 'not-yet'}>
          <div className="m-notice-icon">
            <DoorIcon />
          </div>
          <h1>{t(noLonger ? 'chat.noLongerMemberTitle' : 'chat.notMemberTitle')}</h1>
          <p>{t(noLonger ? (code ? 'chat.noLongerMemberBody' : 'chat.noLongerMemberNoLink') : 'chat.notMemberBody')}</p>
          {code && (
            <Link className="m-button" to={`/join/${encodeURIComponent(code)}`} data-testid="chat-rejoin">
              {t('chat.rejoin')}
            </Link>
          )}
        </div>
      </main>
    </div>
  );
}

function Room({ room, locale, t }: { room: ChatRoom; locale: Locale; t: Translate }) {
  const snap = useSyncExternalStore(room.subscribe, room.getSnapshot);
  const [rulesOpen, setRulesOpen] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const me = snap.me?.platformUserId ?? null;
  const byId = useMemo(() => new Map(snap.messages.map((m) => [m.id, m])), [snap.messages]);
  const direct = room.kind === 'direct';
  /** In the private chat: the assistant. */
  const assistant = direct ? snap.members[0] : undefined;

  useEffect(() => {
    const title = direct ? assistant?.nickname : snap.group?.name;
    if (title) document.title = title;
  }, [direct, assistant, snap.group]);

  useLayoutEffect(() => {
    const el = logRef.current;
    if (!el) return;
    if (anchor.current) {
      // Earlier messages were added above: keep what the member was looking at in place.
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
      return;
    }
    const newest = snap.messages.at(-1);
    const mineNewest = snap.pending.length > 0 || (newest !== undefined && newest.sender.platformUserId === me && !newest.sender.isBot);
    if (atBottom.current || mineNewest) el.scrollTop = el.scrollHeight;
  }, [snap.messages, snap.pending, me]);

  function loadEarlier() {
    const el = logRef.current;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    void room.loadEarlier();
  }

  if (snap.status === 'rejected') return <NotMember groupId={room.groupId} wasIn={snap.me !== null} t={t} />;

  const others = snap.members.filter((m) => !m.isBot).length;
  const chatLink = `/chat/${encodeURIComponent(room.groupId)}`;
  return (
    <div className={`m-chat${direct ? ' m-chat-direct' : ''}`}>
      {direct ? (
        <header className="m-chat-header">
          <Link to={chatLink} className="m-back" aria-label={t('assistant.back')} title={t('assistant.back')} data-testid="assistant-back">
            <BackIcon />
          </Link>
          <div className="m-avatar m-avatar-sm" aria-hidden>
            {initial(assistant?.nickname ?? '')}
          </div>
          <div className="m-chat-title">
            <h1 data-testid="assistant-name">{assistant?.nickname ?? t('chat.connecting')}</h1>
            <span>{snap.status === 'open' && snap.group ? t('assistant.subtitle', { group: snap.group.name }) : t('chat.connecting')}</span>
          </div>
        </header>
      ) : (
        <header className="m-chat-header">
          <div className="m-chat-title">
            <h1 data-testid="chat-group-name">{snap.group?.name ?? t('chat.connecting')}</h1>
            <span>{snap.status === 'open' ? t('chat.members', { count: others }) : t('chat.connecting')}</span>
          </div>
          <Link to={`${chatLink}/assistant`} className="m-icon-button m-assistant-button" title={t('chat.assistantHint')} data-testid="chat-assistant">
            {t('chat.assistant')}
            {snap.directUnread > 0 && (
              <span className="m-count" data-testid="chat-assistant-unread">
                {snap.directUnread}
              </span>
            )}
          </Link>
          <button type="button" className="m-icon-button" onClick={() => setRulesOpen(true)} disabled={!snap.group} data-testid="chat-rules-button">
            {t('chat.rules')}
          </button>
        </header>
      )}
      {snap.status === 'reconnecting' && (
        <div className="m-banner" role="status" data-testid="chat-reconnecting">
          {t('chat.reconnecting')}
        </div>
      )}
      <div
        className="m-chat-log"
        ref={logRef}
        data-testid="chat-log"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {snap.hasEarlier ? (
          <button type="button" className="m-load-earlier" onClick={loadEarlier} disabled={snap.loadingEarlier} data-testid="chat-load-earlier">
            {t('chat.loadEarlier')}
          </button>
        ) : (
          snap.historyLoaded && snap.messages.length > 0 && <div className="m-log-start">{t('chat.noEarlier')}</div>
        )}
        {direct && snap.historyLoaded && !snap.hasEarlier && (
          <div className="m-intro" data-testid="assistant-intro">
            <div className="m-avatar" aria-hidden>
              {initial(assistant?.nickname ?? '')}
            </div>
            <h2>{t('assistant.introTitle', { name: assistant?.nickname ?? '' })}</h2>
            <p>{t('assistant.introBody')}</p>
          </div>
        )}
        {!direct && snap.historyLoaded && snap.messages.length === 0 && snap.pending.length === 0 && <div className="m-log-empty">{t('chat.empty')}</div>}
        {snap.messages.map((m) => (
          <ChatMessage key={m.id} message={m} quoted={m.replyToId === null ? undefined : byId.get(m.replyToId)} me={me} locale={locale} t={t} onReply={snap.me && !direct ? () => setReplyTo(m) : null} />
        ))}
        {snap.pending.map((p) => (
          <PendingBubble key={p.clientMessageId} pending={p} me={me} t={t} />
        ))}
      </div>
      {snap.error && snap.status === 'open' && (
        <div className="m-toast" role="alert">
          {t('chat.error', { message: snap.error })}
        </div>
      )}
      <Composer
        members={direct ? [] : snap.members}
        me={me}
        t={t}
        placeholder={t(direct ? 'assistant.placeholder' : 'chat.placeholder')}
        disabled={snap.me === null}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onSend={(text, mentions) => {
          room.send(text, mentions, replyTo?.id ?? null);
          setReplyTo(null);
        }}
      />
      {rulesOpen && snap.group && (
        <div className="m-sheet-backdrop" onClick={() => setRulesOpen(false)}>
          <section className="m-sheet" role="dialog" aria-modal="true" aria-labelledby="rules-title" onClick={(e) => e.stopPropagation()} data-testid="chat-rules">
            <h2 id="rules-title">{t('chat.rules')}</h2>
            <div className="m-rules-text">{snap.group.rules.trim() || t('chat.noRules')}</div>
            <button type="button" className="m-button m-button-block" onClick={() => setRulesOpen(false)}>
              {t('chat.close')}
            </button>
          </section>
        </div>
      )}
    </div>
  );
}

/** How long a press on a message lasts before it shows the reply action (phones have no hover). */
const LONG_PRESS_MS = 450;
const PRESSED_FOR_MS = 5000;

interface ChatMessageProps {
  message: Message;
  quoted: Message | undefined;
  me: string | null;
  locale: Locale;
  t: Translate;
  /** Quote this message in the composer; null while we cannot send. */
  onReply: (() => void) | null;
}

function ChatMessage({ message, quoted, me, locale, t, onReply }: ChatMessageProps) {
  const bot = message.sender.isBot;
  const mine = !bot && me !== null && message.sender.platformUserId === me;
  const deleted = message.deletedAt !== null;
  const [pressed, setPressed] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!pressed) return;
    const hide = setTimeout(() => setPressed(false), PRESSED_FOR_MS);
    return () => clearTimeout(hide);
  }, [pressed]);
  useEffect(() => () => void (press.current && clearTimeout(press.current)), []);
  const canReply = onReply !== null && !deleted;
  const release = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };
  return (
    <div
      className={`m-msg${mine ? ' m-msg-mine' : ''}${bot ? ' m-msg-bot' : ''}${deleted ? ' m-msg-deleted' : ''}${pressed ? ' m-msg-pressed' : ''}`}
      onTouchStart={
        canReply
          ? () => {
              press.current = setTimeout(() => setPressed(true), LONG_PRESS_MS);
            }
          : undefined
      }
      onTouchEnd={release}
      onTouchMove={release}
      onContextMenu={
        canReply
          ? (e) => {
              e.preventDefault();
              setPressed(true);
            }
          : undefined
      }
      data-testid="chat-message"
      data-sender-bot={bot ? 'true' : 'false'}
      data-message-id={message.id}
      data-deleted={deleted ? 'true' : undefined}
    >
      {!mine && (
        <div className="m-avatar" style={{ background: bot ? undefined : avatarColor(message.sender.platformUserId) }} aria-hidden>
          {initial(message.sender.name)}
        </div>
      )}
      <div className="m-msg-body">
        {!mine && (
          <div className="m-msg-meta">
            <span className="m-msg-name" data-testid="chat-message-sender">
              {message.sender.name}
            </span>
            {bot && <span className="m-badge">{t('chat.bot')}</span>}
          </div>
        )}
        {deleted ? (
          <div className="m-bubble m-bubble-deleted" data-testid="chat-message-deleted">
            {t('chat.deleted')}
          </div>
        ) : (
          <div className="m-bubble">
            {quoted && (
              <div className="m-quote" data-testid="chat-quote">
                <span className="m-quote-name">{quoted.sender.name}</span> {quoted.deletedAt === null ? quoted.text : <em className="m-quote-deleted">{t('chat.deleted')}</em>}
              </div>
            )}
            <span data-testid="chat-message-text">
              <MessageText text={message.text} mentions={message.mentions} me={me} />
            </span>
            {bot && <InviteCardFor text={message.text} t={t} />}
          </div>
        )}
        <div className="m-msg-foot">
          <time className="m-msg-time" dateTime={new Date(message.createdAt).toISOString()}>
            {formatChatTime(message.createdAt, locale)}
          </time>
          {canReply && (
            <button
              type="button"
              className="m-reply"
              onClick={() => {
                setPressed(false);
                onReply();
              }}
              data-testid="chat-reply"
            >
              {t('chat.reply')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

/** A card for an invite link of this web community in a bot's message (the assistant's invitations). */
function InviteCardFor({ text, t }: { text: string; t: Translate }) {
  const code = inviteCodeIn(text, location.origin);
  return code ? <InviteCard code={code} t={t} /> : null;
}

function PendingBubble({ pending, me, t }: { pending: PendingMessage; me: string | null; t: Translate }) {
  return (
    <div className="m-msg m-msg-mine m-msg-pending" data-testid="chat-message" data-sender-bot="false" data-pending="true">
      <div className="m-msg-body">
        <div className="m-bubble" data-testid="chat-message-text">
          <MessageText text={pending.text} mentions={pending.mentions} me={me} />
        </div>
        <span className="m-msg-time">{t('chat.pending')}</span>
      </div>
    </div>
  );
}

interface ComposerProps {
  /** Who can be @mentioned (none: no picker). */
  members: WebchatMember[];
  me: string | null;
  t: Translate;
  placeholder: string;
  disabled: boolean;
  /** The message being replied to, quoted above the input. */
  replyTo: Message | null;
  onCancelReply: () => void;
  onSend: (text: string, mentions: ReturnType<typeof mentionsIn>) => void;
}

function Composer({ members, me, t, placeholder, disabled, replyTo, onCancelReply, onSend }: ComposerProps) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [picks, setPicks] = useState<MentionPick[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once a picked mention is in the text (set in the same commit). */
  const nextCaret = useRef<number | null>(null);

  const query = members.length > 0 ? activeMentionQuery(text, caret) : null;
  const candidates = query && query.start !== dismissedAt ? mentionCandidates(members, query.query, me) : [];
  const pickerOpen = query !== null && query.start !== dismissedAt;

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 120)}px`;
    if (nextCaret.current !== null) {
      el.focus();
      el.setSelectionRange(nextCaret.current, nextCaret.current);
      nextCaret.current = null;
    }
  }, [text]);

  function choose(member: WebchatMember) {
    if (!query) return;
    const insert = `@${member.nickname} `;
    const next = text.slice(0, query.start) + insert + text.slice(caret);
    const at = query.start + insert.length;
    setText(next);
    setCaret(at);
    setPicks((p) => [...p, { platformUserId: member.platformUserId, nickname: member.nickname }]);
    setHighlight(0);
    nextCaret.current = at;
  }

  function send() {
    const body = text.trim();
    if (!body || disabled) return;
    // Offsets are taken from the text as sent (trimmed), after every edit.
    onSend(body, mentionsIn(body, picks));
    setText('');
    setCaret(0);
    setPicks([]);
    setDismissedAt(null);
    input.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.nativeEvent.isComposing || e.keyCode === 229) return; // an IME is composing (Chinese input)
    if (pickerOpen && candidates.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        setHighlight((h) => (h + d + candidates.length) % candidates.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const c = candidates[Math.min(highlight, candidates.length - 1)];
        if (c) choose(c);
        return;
      }
    }
    if (pickerOpen && e.key === 'Escape') {
      e.preventDefault();
      setDismissedAt(query?.start ?? null);
      return;
    }
    if (replyTo && e.key === 'Escape') {
      e.preventDefault();
      onCancelReply();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  }

  return (
    <footer className="m-composer">
      {replyTo && (
        <div className="m-reply-bar" data-testid="chat-reply-bar">
          <div className="m-reply-quote">
            <span className="m-quote-name">{t('chat.replyingTo', { name: replyTo.sender.name })}</span> {replyTo.text}
          </div>
          <button type="button" className="m-reply-cancel" onClick={onCancelReply} aria-label={t('chat.replyCancel')} data-testid="chat-reply-cancel">
            ×
          </button>
        </div>
      )}
      {pickerOpen && (
        <ul className="m-picker" role="listbox" data-testid="mention-picker">
          {candidates.length === 0 && <li className="m-picker-none">{t('chat.mentionNone')}</li>}
          {candidates.map((c, i) => (
            <li
              key={c.platformUserId}
              role="option"
              aria-selected={i === highlight}
              className={i === highlight ? 'm-picker-active' : undefined}
              data-testid="mention-option"
              onMouseDown={(e) => {
                e.preventDefault();
                choose(c);
              }}
            >
              <span className="m-avatar m-avatar-sm" style={{ background: c.isBot ? undefined : avatarColor(c.platformUserId) }} aria-hidden>
                {initial(c.nickname)}
              </span>
              <span className="m-picker-name">{c.nickname}</span>
              {c.isBot && <span className="m-badge">{t('chat.bot')}</span>}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={input}
        rows={1}
        value={text}
        maxLength={MAX_MESSAGE_LENGTH}
        placeholder={placeholder}
        data-testid="chat-input"
        enterKeyHint="send"
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart);
          setHighlight(0);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      <button type="button" className="m-send" onClick={send} disabled={disabled || text.trim() === ''} data-testid="chat-send">
        {t('chat.send')}
      </button>
    </footer>
  );
}
