import { SendOutlined } from '@ant-design/icons';
import { Alert, App, Avatar, Button, Input, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Message } from '../../../src/shared/api.ts';
import { MAX_MESSAGE_LENGTH } from '../../../src/shared/limits.ts';
import { useI18n } from '../i18n.ts';
import { MessageText } from '../shared/MessageText.tsx';
import { useReportError, useSession } from './context.ts';

/**
 * One message of a log the console shows (a group's, a private conversation with the assistant):
 * the sender's avatar, name, bot tag and time, then `children` (what an operator can do with it,
 * the message it quotes), then its text.
 */
export function LogEntry({
  message: m,
  name,
  tags,
  className,
  children,
  ...data
}: {
  message: Message;
  /** The sender's name, where it is more than text (a link to the contact). */
  name?: ReactNode;
  /** After the time: what became of the message. */
  tags?: ReactNode;
  /** Classes besides `c-log-item` (and `c-log-bot` for the bot's messages). */
  className?: string;
  children?: ReactNode;
} & { [attribute: `data-${string}`]: string }) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  return (
    <div className={`c-log-item${m.sender.isBot ? ' c-log-bot' : ''}${className ? ` ${className}` : ''}`} data-sender-bot={m.sender.isBot ? 'true' : 'false'} {...data}>
      <Avatar size={32} className="c-log-avatar" style={{ background: m.sender.isBot ? '#3370ff' : '#07a35a' }}>
        {[...m.sender.name.trim()][0] ?? '?'}
      </Avatar>
      <div className="c-log-main">
        <Space size={8} className="c-log-meta">
          {name ?? (
            <Typography.Text strong className="c-log-name">
              {m.sender.name}
            </Typography.Text>
          )}
          {m.sender.isBot && <Tag color="blue">{t('messages.bot')}</Tag>}
          <Typography.Text type="secondary" className="c-log-time">
            {formatTime(m.createdAt)}
          </Typography.Text>
          {tags}
        </Space>
        {children}
        <div className="c-log-text">
          <MessageText text={m.text} mentions={m.mentions} />
        </div>
      </div>
    </div>
  );
}

/**
 * The box under a log to write into it as the bot (Enter sends; Shift+Enter and an input method's
 * Enter do not), or for a role that may not send, a note saying so.
 */
export function Composer({
  placeholder,
  label,
  testid,
  send,
}: {
  placeholder: string;
  /** The send button's. */
  label: string;
  /** Test ids `${testid}-input` and `${testid}-send`. */
  testid: string;
  /** Sends the text (trimmed, never empty); once it is sent the box is emptied. */
  send: (text: string) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);

  async function submit() {
    const body = text.trim();
    if (!body) return;
    setSending(true);
    try {
      await send(body);
      setText('');
      void message.success(t('messages.sent'));
    } catch (e) {
      report(e);
    } finally {
      setSending(false);
    }
  }

  if (!can('messages:send')) return <Alert type="info" showIcon message={t('messages.cannotSend')} />;
  return (
    <div className="c-send">
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={placeholder}
        autoSize={{ minRows: 1, maxRows: 6 }}
        maxLength={MAX_MESSAGE_LENGTH}
        data-testid={`${testid}-input`}
        onPressEnter={(e) => {
          if (e.shiftKey || e.nativeEvent.isComposing) return;
          e.preventDefault();
          void submit();
        }}
      />
      <Button type="primary" icon={<SendOutlined />} onClick={() => void submit()} loading={sending} disabled={text.trim() === ''} data-testid={`${testid}-send`}>
        {label}
      </Button>
    </div>
  );
}
