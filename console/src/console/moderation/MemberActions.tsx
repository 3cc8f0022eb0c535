/**
 * A moderator's actions on one member — warn, mute, unmute, remove, blacklist — from wherever the
 * member is seen: the Members tab, a message in the log, an alert in the review queue, a profile.
 * Each asks what it needs in a modal, calls the API and says what happened from the case it wrote.
 */
import { DownOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActionResult, BlacklistEntry, ContactHit } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Translate } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { durationText, resultText } from './caseText.ts';

export type MemberAction = 'warn' | 'mute' | 'unmute' | 'remove' | 'blacklist';

/** Who an action is about, and where. */
export interface ActionTarget {
  groupId: string;
  groupName: string;
  contactId: string;
  name: string;
  /** Their membership in the group when known (the members list); else looked up from their profile. */
  memberId?: string;
  /** The message that shows why (warn and blacklist keep it as evidence). */
  evidence?: { messageId: string; text: string };
}

/** What an action did, for the caller to refresh what it shows. */
export type ActionDone = { kind: 'case'; result: ActionResult } | { kind: 'blacklisted'; entry: BlacklistEntry } | { kind: 'unmuted'; lifted: number };

const REASON_MAX = 200;
/** The API's limit on a mute (30 days). */
const MUTE_MAX_MINUTES = 43_200;
const MUTE_PRESETS = [10, 60, 1440] as const;
const UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
type Unit = keyof typeof UNITS;
const EXPIRY_PRESETS = [7, 30] as const;

class NotInGroup extends Error {}

/** The member's id in the group: given, or found on their profile. */
async function memberIdOf(target: ActionTarget): Promise<string> {
  if (target.memberId) return target.memberId;
  const profile = await api.contact(target.contactId);
  const m = profile.memberships.find((x) => x.groupId === target.groupId);
  if (!m) throw new NotInGroup();
  return m.memberId;
}

/**
 * The modals behind the actions. `open(action, target)` starts one; `element` must be rendered.
 * `onDone` runs after a success (the result is already shown as a message).
 */
export function useMemberActions<T extends ActionTarget = ActionTarget>(onDone?: (done: ActionDone, target: T) => void): { open: (action: MemberAction, target: T) => void; element: React.ReactNode } {
  const { t } = useI18n();
  const { formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [current, setCurrent] = useState<{ action: Exclude<MemberAction, 'unmute'>; target: T } | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });

  const fail = useCallback(
    (e: unknown, target: ActionTarget) => {
      if (e instanceof NotInGroup) void message.error(t('act.notInGroup', { name: target.name, group: target.groupName }));
      else report(e);
    },
    [message, report, t],
  );

  const open = useCallback(
    (action: MemberAction, target: T) => {
      if (action !== 'unmute') return setCurrent({ action, target });
      memberIdOf(target)
        .then((memberId) => api.unmuteMember(target.groupId, memberId))
        .then((r) => {
          void message.success(r.lifted > 0 ? t('act.unmuted', { name: target.name }) : t('act.notMuted', { name: target.name }));
          done.current?.({ kind: 'unmuted', lifted: r.lifted }, target);
        })
        .catch((e: unknown) => fail(e, target));
    },
    [fail, message, t],
  );

  async function run(target: T, call: (memberId: string) => Promise<ActionResult>): Promise<void> {
    try {
      const result = await call(await memberIdOf(target));
      void message.success({ content: <span data-testid="action-result">{resultText(t, result.case, formatTime)}</span>, duration: 5 });
      setCurrent(null);
      done.current?.({ kind: 'case', result }, target);
    } catch (e) {
      fail(e, target);
    }
  }

  const close = () => setCurrent(null);
  let element: React.ReactNode = null;
  if (current?.action === 'warn') element = <WarnModal target={current.target} onClose={close} onSubmit={(reason) => run(current.target, (id) => api.warnMember(current.target.groupId, id, { reason, ...(current.target.evidence ? { messageId: current.target.evidence.messageId } : {}) }))} />;
  if (current?.action === 'mute') element = <MuteModal target={current.target} onClose={close} onSubmit={(minutes, reason) => run(current.target, (id) => api.muteMember(current.target.groupId, id, { minutes, reason }))} />;
  if (current?.action === 'remove') element = <RemoveModal target={current.target} onClose={close} onSubmit={(reason) => run(current.target, (id) => api.removeMember(current.target.groupId, id, reason))} />;
  if (current?.action === 'blacklist') {
    const target = current.target;
    element = (
      <BlacklistModal
        contact={{ id: target.contactId, name: target.name }}
        groups={[{ id: target.groupId, name: target.groupName }]}
        evidence={target.evidence}
        onClose={close}
        onDone={(entry) => {
          setCurrent(null);
          done.current?.({ kind: 'blacklisted', entry }, target);
        }}
      />
    );
  }
  return { open, element };
}

/** A "处置 ▾" button with the actions that make sense for the member now. */
export function MemberActionsMenu<T extends ActionTarget>({ target, active, onPick, size = 'small' }: { target: T; active: boolean; onPick: (action: MemberAction, target: T) => void; size?: 'small' | 'middle' }) {
  const { t } = useI18n();
  // Someone no longer in the group can still be kept out of it.
  const actions: MemberAction[] = active ? ['warn', 'mute', 'unmute', 'remove', 'blacklist'] : ['blacklist'];
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: actions.map((a) => ({ key: a, danger: a === 'remove' || a === 'blacklist', label: <span data-testid={`member-action-${a}`}>{t(`act.menu.${a}`)}</span> })),
        onClick: ({ key, domEvent }) => {
          domEvent.stopPropagation();
          onPick(key as MemberAction, target);
        },
      }}
    >
      <Button size={size} data-testid="member-actions">
        <Space size={4}>
          {t('act.menu')}
          <DownOutlined />
        </Space>
      </Button>
    </Dropdown>
  );
}

function Evidence({ text, t }: { text: string; t: Translate }) {
  return (
    <div className="c-evidence" data-testid="action-evidence">
      <Typography.Text type="secondary">{t('act.evidence')}</Typography.Text>
      <div className="c-evidence-text">{text}</div>
    </div>
  );
}

function ReasonField({ t, required = false, placeholder }: { t: Translate; required?: boolean; placeholder: string }) {
  return (
    <Form.Item name="reason" label={t(required ? 'act.reasonRequired' : 'act.reason')} rules={required ? [{ required: true, whitespace: true, message: t('validation.required') }] : []} extra={required ? undefined : t('act.reasonHint')}>
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={REASON_MAX} showCount placeholder={placeholder} data-testid="action-reason" />
    </Form.Item>
  );
}

function ModalActions({ busy, okText, danger = false, onCancel }: { busy: boolean; okText: string; danger?: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="c-modal-actions">
      <Button onClick={onCancel}>{t('common.cancel')}</Button>
      <Button type="primary" danger={danger} htmlType="submit" loading={busy} data-testid="action-submit">
        {okText}
      </Button>
    </div>
  );
}

/** Runs a submit with the button busy; the modal stays open on failure. */
function useBusy(): [boolean, (f: () => Promise<void>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (f: () => Promise<void>) => {
    setBusy(true);
    try {
      await f();
    } finally {
      setBusy(false);
    }
  }, []);
  return [busy, run];
}

function WarnModal({ target, onClose, onSubmit }: { target: ActionTarget; onClose: () => void; onSubmit: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [busy, submit] = useBusy();
  return (
    <Modal open title={t('act.warnTitle', { name: target.name })} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('act.warnHint')}</Typography.Paragraph>
      {target.evidence && <Evidence text={target.evidence.text} t={t} />}
      <Form<{ reason: string }> layout="vertical" initialValues={{ reason: '' }} onFinish={(v) => void submit(() => onSubmit(v.reason.trim()))} requiredMark={false}>
        <ReasonField t={t} placeholder={t('act.warnPlaceholder')} />
        <ModalActions busy={busy} okText={t('act.warn')} onCancel={onClose} />
      </Form>
    </Modal>
  );
}

interface MuteValues {
  preset: number | 'custom';
  amount: number;
  unit: Unit;
  reason: string;
}

function MuteModal({ target, onClose, onSubmit }: { target: ActionTarget; onClose: () => void; onSubmit: (minutes: number, reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [busy, submit] = useBusy();
  const [form] = Form.useForm<MuteValues>();
  const preset = Form.useWatch('preset', form) ?? 10;
  return (
    <Modal open title={t('act.muteTitle', { name: target.name })} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('act.muteHint')}</Typography.Paragraph>
      <Form<MuteValues>
        form={form}
        layout="vertical"
        initialValues={{ preset: 10, amount: 2, unit: 'hours', reason: '' }}
        onFinish={(v) => void submit(() => onSubmit(v.preset === 'custom' ? v.amount * UNITS[v.unit] : v.preset, v.reason.trim()))}
        requiredMark={false}
      >
        <Form.Item name="preset" label={t('act.muteFor')}>
          <Radio.Group optionType="button">
            {MUTE_PRESETS.map((m) => (
              <Radio.Button key={m} value={m}>
                <span data-testid={`action-mute-${m}`}>{durationText(t, m)}</span>
              </Radio.Button>
            ))}
            <Radio.Button value="custom">
              <span data-testid="action-mute-custom">{t('act.custom')}</span>
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {preset === 'custom' && (
          <Space.Compact style={{ marginBottom: 24 }}>
            <Form.Item
              name="amount"
              noStyle
              dependencies={['unit']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, v: number | null) => {
                    const minutes = (v ?? 0) * UNITS[getFieldValue('unit') as Unit];
                    return minutes >= 1 && minutes <= MUTE_MAX_MINUTES ? Promise.resolve() : Promise.reject(new Error(t('act.muteRange')));
                  },
                }),
              ]}
            >
              <InputNumber min={1} precision={0} style={{ width: 120 }} data-testid="action-mute-amount" />
            </Form.Item>
            <Form.Item name="unit" noStyle>
              <Select<Unit> style={{ width: 100 }} options={(Object.keys(UNITS) as Unit[]).map((u) => ({ value: u, label: t(`act.unit.${u}`) }))} />
            </Form.Item>
          </Space.Compact>
        )}
        <ReasonField t={t} placeholder={t('act.mutePlaceholder')} />
        <ModalActions busy={busy} okText={t('act.mute')} onCancel={onClose} />
      </Form>
    </Modal>
  );
}

function RemoveModal({ target, onClose, onSubmit }: { target: ActionTarget; onClose: () => void; onSubmit: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [busy, submit] = useBusy();
  return (
    <Modal open title={t('members.removeConfirm', { name: target.name })} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('act.removeHint')}</Typography.Paragraph>
      <Form<{ reason: string }> layout="vertical" initialValues={{ reason: '' }} onFinish={(v) => void submit(() => onSubmit(v.reason.trim()))} requiredMark={false}>
        <ReasonField t={t} placeholder={t('act.removePlaceholder')} />
        <ModalActions busy={busy} danger okText={t('members.remove')} onCancel={onClose} />
      </Form>
    </Modal>
  );
}

interface BlacklistValues {
  contactId: string | undefined;
  scope: 'workspace' | 'group';
  groupId: string | undefined;
  reason: string;
  expiry: number | 'forever' | 'custom';
  days: number;
}

interface BlacklistModalProps {
  /** Who; null: picked by name in the modal. */
  contact: { id: string; name: string } | null;
  /** The groups a one-group blacklisting may name (one: said in the choice itself). */
  groups: { id: string; name: string }[];
  /** The message that shows why, kept with the entry. */
  evidence?: { messageId: string; text: string } | undefined;
  onClose: () => void;
  onDone: (entry: BlacklistEntry) => void;
}

/** Blacklists a contact for the whole workspace or one group, until lifted or for some days. */
export function BlacklistModal({ contact, groups, evidence, onClose, onDone }: BlacklistModalProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const report = useReportError();
  const [busy, submit] = useBusy();
  const [form] = Form.useForm<BlacklistValues>();
  const scope = Form.useWatch('scope', form) ?? 'workspace';
  const expiry = Form.useWatch('expiry', form) ?? 'forever';
  const [hits, setHits] = useState<ContactHit[]>([]);
  const [searching, setSearching] = useState(false);
  const searchSeq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const only = groups.length === 1 ? groups[0] : undefined;

  function search(q: string) {
    if (timer.current) clearTimeout(timer.current);
    const query = q.trim();
    if (!query) return setHits([]);
    timer.current = setTimeout(() => {
      const seq = ++searchSeq.current;
      setSearching(true);
      api
        .searchContacts(query)
        .then(
          (r) => seq === searchSeq.current && setHits(r.items),
          (e: unknown) => seq === searchSeq.current && report(e),
        )
        .finally(() => seq === searchSeq.current && setSearching(false));
    }, 250);
  }

  async function save(v: BlacklistValues) {
    const contactId = contact?.id ?? v.contactId;
    if (!contactId) return;
    const days = v.expiry === 'forever' ? undefined : v.expiry === 'custom' ? v.days : v.expiry;
    try {
      const entry = await api.addToBlacklist({
        contactId,
        groupId: v.scope === 'group' ? (only?.id ?? v.groupId ?? null) : null,
        reason: v.reason.trim(),
        ...(evidence ? { evidenceMessageId: evidence.messageId } : {}),
        ...(days === undefined ? {} : { expiresInDays: days }),
      });
      const where = entry.group ? t('bl.scopeGroup', { group: entry.group.name }) : t('bl.scopeAll');
      // Said from the entry: one already in force is answered as it stands.
      const until = entry.expiresAt === null ? t('bl.forever') : t('bl.forDays', { days: Math.max(1, Math.round((entry.expiresAt - entry.createdAt) / 86_400_000)) });
      void message.success({ content: <span data-testid="action-result">{t('act.blacklisted', { name: entry.contact.name, where, until })}</span>, duration: 5 });
      onDone(entry);
    } catch (e) {
      report(e);
    }
  }

  return (
    <Modal open title={contact ? t('bl.addTitleFor', { name: contact.name }) : t('bl.addTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('bl.addHint')}</Typography.Paragraph>
      {evidence && <Evidence text={evidence.text} t={t} />}
      <Form<BlacklistValues>
        form={form}
        layout="vertical"
        initialValues={{ contactId: undefined, scope: 'workspace', groupId: undefined, reason: '', expiry: 'forever', days: 90 }}
        onFinish={(v) => void submit(() => save(v))}
        requiredMark={false}
      >
        {!contact && (
          <Form.Item name="contactId" label={t('bl.contact')} rules={[{ required: true, message: t('bl.contactRequired') }]} extra={t('bl.contactHint')}>
            <Select<string>
              showSearch={{ filterOption: false, onSearch: search }}
              placeholder={t('bl.contactPlaceholder')}
              loading={searching}
              notFoundContent={searching ? null : t('bl.contactNone')}
              options={hits.map((h) => ({
                value: h.id,
                label: (
                  <span data-testid="bl-contact-option">
                    {h.displayName}
                    {h.groups.length > 0 && <Typography.Text type="secondary"> · {h.groups.map((g) => g.name).join(t('list.separator'))}</Typography.Text>}
                  </span>
                ),
              }))}
              data-testid="bl-contact"
            />
          </Form.Item>
        )}
        {groups.length > 0 && (
          <Form.Item name="scope" label={t('bl.scope')}>
            <Radio.Group>
              <Radio value="workspace">{t('bl.scopeAll')}</Radio>
              <Radio value="group">
                <span data-testid="bl-scope-group">{only ? t('bl.scopeGroup', { group: only.name }) : t('bl.scopeOneGroup')}</span>
              </Radio>
            </Radio.Group>
          </Form.Item>
        )}
        {scope === 'group' && !only && (
          <Form.Item name="groupId" label={t('bl.group')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select<string> showSearch={{ optionFilterProp: 'label' }} options={groups.map((g) => ({ value: g.id, label: g.name }))} data-testid="bl-group" />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('act.reasonRequired')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={REASON_MAX} showCount placeholder={t('bl.reasonPlaceholder')} data-testid="action-reason" />
        </Form.Item>
        <Form.Item name="expiry" label={t('bl.expiry')}>
          <Radio.Group optionType="button">
            <Radio.Button value="forever">{t('bl.forever')}</Radio.Button>
            {EXPIRY_PRESETS.map((d) => (
              <Radio.Button key={d} value={d}>
                <span data-testid={`bl-expiry-${d}`}>{t('bl.forDays', { days: d })}</span>
              </Radio.Button>
            ))}
            <Radio.Button value="custom">
              <span data-testid="bl-expiry-custom">{t('act.custom')}</span>
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {expiry === 'custom' && (
          <Form.Item name="days" label={t('bl.days')} rules={[{ required: true, type: 'integer', min: 1, max: 3650, message: t('bl.daysRange') }]}>
            <InputNumber min={1} max={3650} precision={0} suffix={t('act.unit.days')} style={{ width: 140 }} data-testid="bl-days" />
          </Form.Item>
        )}
        <ModalActions busy={busy} danger okText={t('bl.add')} onCancel={onClose} />
      </Form>
    </Modal>
  );
}
