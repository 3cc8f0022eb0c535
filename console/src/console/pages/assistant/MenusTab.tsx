import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, InputNumber, Modal, Radio, Row, Segmented, Select, Space, Switch, Tag, Typography, type FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { DEFAULT_MENU, INVITE_CAP_MAX, KEYWORD_MAX, KeywordCondition, MENU_LABEL_MAX, MENU_OPTIONS_MAX, MenuAction, MenuOption, ReplyAction, RuleInput, type Group, type Locale, type RuleOut } from '../../../../../src/shared/api.ts';
import { choosePoolGroup, INVITE_TEXT, menuText, renderTemplate } from '../../../../../src/shared/preview.ts';
import { api } from '../../../api.ts';
import { useI18n, type Translate } from '../../../i18n.ts';
import { MessageText } from '../../../shared/MessageText.tsx';
import { useReportError, useSession } from '../../context.ts';
import { RuleList, type RuleEditorProps } from '../../RuleList.tsx';
import { zodRule } from '../../zodRule.ts';

const ALL = '*';
const PREVIEW_MEMBER = 'preview-member';

type OptionAction = Extract<RuleOut['actions'][number], { type: 'menu' }>['options'][number]['actions'][number];
interface OptionValues {
  label: string;
  kind: 'reply' | 'invite';
  reply: string;
  groupIds: string[];
  cap: number | null;
  /** Further actions of the option (the API allows a few); kept as they are. */
  extra: OptionAction[];
}
interface MenuValues {
  name: string;
  /** A group id, or ALL for every group. */
  scope: string;
  onFirstMessage: boolean;
  keywords: string[];
  greeting: string;
  options: OptionValues[];
  enabled: boolean;
}

const menuOf = (rule: RuleOut) => {
  const a = rule.actions[0];
  return a?.type === 'menu' ? a : undefined;
};

/** The editor's values as the API's RuleInput (a full replacement on edit). */
function toRuleInput(v: MenuValues): RuleInput {
  return {
    groupId: v.scope === ALL ? null : v.scope,
    name: v.name,
    preset: 'menu',
    enabled: v.enabled,
    priority: 0,
    stopAfterMatch: true,
    trigger: { type: 'message', scope: 'direct' },
    conditions: [...(v.keywords.length > 0 ? [{ type: 'keyword' as const, keywords: v.keywords, mode: 'exact' as const }] : []), ...(v.onFirstMessage ? [{ type: 'first_message' as const }] : [])],
    actions: [
      {
        type: 'menu',
        greeting: v.greeting,
        options: v.options.map((o) => ({
          label: o.label,
          actions: [o.kind === 'reply' ? { type: 'reply' as const, template: o.reply, mention: false, quote: false } : { type: 'invite' as const, groupIds: o.groupIds, cap: o.cap ?? null, mention: false, privately: false }, ...(o.extra ?? [])],
        })),
      },
    ],
  };
}

function fromRule(rule: RuleOut): MenuValues {
  const menu = menuOf(rule);
  const keywords = rule.conditions.find((c) => c.type === 'keyword');
  return {
    name: rule.name,
    scope: rule.groupId ?? ALL,
    onFirstMessage: rule.conditions.some((c) => c.type === 'first_message'),
    keywords: keywords?.keywords ?? [],
    greeting: menu?.greeting ?? '',
    options: (menu?.options ?? []).map((o) => {
      const [first, ...extra] = o.actions;
      return first?.type === 'invite'
        ? { label: o.label, kind: 'invite', reply: '', groupIds: first.groupIds, cap: first.cap, extra }
        : { label: o.label, kind: 'reply', reply: first?.template ?? '', groupIds: [], cap: null, extra };
    }),
    enabled: rule.enabled,
  };
}

function newMenu(locale: Locale): MenuValues {
  const d = DEFAULT_MENU[locale];
  const option = (label: string, o: Partial<OptionValues>): OptionValues => ({ label, kind: 'reply', reply: '', groupIds: [], cap: null, extra: [], ...o });
  return {
    name: d.name,
    scope: ALL,
    onFirstMessage: true,
    keywords: [...d.keywords],
    greeting: d.greeting,
    options: [option(d.rules.label, { reply: d.rules.reply }), option(d.pack, {}), option(d.join, { kind: 'invite', cap: 200 })],
    enabled: true,
  };
}

/** Private menus: a table of them and an editor with a live preview of what members will read. */
export function MenusTab({ groups }: { groups: Group[] | null }) {
  const { t } = useI18n();
  const fetch = useCallback(() => api.allRules().then((r) => r.items.filter((x) => x.preset === 'menu')), []);

  const groupName = (id: string | null) => (id === null ? t('menus.scope.all') : (groups?.find((g) => g.id === id)?.name ?? t('menus.previewMissing')));

  return (
    <RuleList
      kind="menu"
      fetch={fetch}
      switched={(rule, enabled) => toRuleInput({ ...fromRule(rule), enabled })}
      addDisabled={groups === null}
      columns={[
        { title: t('menus.col.name'), dataIndex: 'name' },
        { title: t('menus.col.scope'), key: 'scope', render: (_, r) => groupName(r.groupId) },
        {
          title: t('menus.col.open'),
          key: 'open',
          render: (_, r) => (
            <Space size={[4, 4]} wrap>
              {r.conditions.map((c) => (c.type === 'first_message' ? <Tag key="first" color="green">{t('menus.firstMessage')}</Tag> : c.keywords.map((k) => <Tag key={k}>{k}</Tag>)))}
            </Space>
          ),
        },
        {
          title: t('menus.col.options'),
          key: 'options',
          render: (_, r) => (
            <span className="c-menu-options">
              {(menuOf(r)?.options ?? []).map((o, i) => (
                <span key={i}>{`${i + 1}. ${o.label}`}</span>
              ))}
            </span>
          ),
        },
      ]}
      editor={(props) => groups && <MenuModal {...props} groups={groups} />}
    />
  );
}

function MenuModal({ rule, groups, onClose, save }: RuleEditorProps & { groups: Group[] }) {
  const { t } = useI18n();
  const { session } = useSession();
  const report = useReportError();
  const [form] = Form.useForm<MenuValues>();
  const [busy, setBusy] = useState(false);
  const [initial] = useState<MenuValues>(() => (rule ? fromRule(rule) : newMenu(session.workspace.locale)));
  const poolChoices = groups.filter((g) => g.inviteUrl !== null).map((g) => ({ value: g.id, label: t('menus.poolOption', { name: g.name, count: g.memberCount }) }));

  async function submit(values: MenuValues) {
    setBusy(true);
    try {
      await save(toRuleInput(values));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  return (
    <Modal open title={rule ? t('menus.editTitle') : t('menus.createTitle')} onCancel={onClose} footer={null} width={1040} destroyOnHidden>
      <Row gutter={24}>
        <Col xs={24} md={14}>
          <Form<MenuValues> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)} requiredMark={false} data-testid="menu-form">
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="name" label={t('menus.name')} rules={[zodRule(RuleInput.shape.name, t('validation.required'))]}>
                  <Input placeholder={t('menus.namePlaceholder')} maxLength={80} data-testid="menu-name" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="scope" label={t('menus.scope')} tooltip={t('menus.scopeHint')}>
                  <Select options={[{ value: ALL, label: t('menus.scope.all') }, ...groups.map((g) => ({ value: g.id, label: g.name }))]} data-testid="menu-scope" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="onFirstMessage" valuePropName="checked" label={t('menus.onFirstMessage')}>
              <Switch data-testid="menu-first-message" />
            </Form.Item>
            <Form.Item
              name="keywords"
              label={t('menus.keywords')}
              extra={t('menus.keywordsHint')}
              dependencies={['onFirstMessage']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: async (_r, value: string[] | undefined) => {
                    if ((value ?? []).length === 0) {
                      if (!getFieldValue('onFirstMessage')) throw new Error(t('menus.openRequired'));
                      return;
                    }
                    if (!KeywordCondition.shape.keywords.safeParse(value).success) throw new Error(t('validation.keywords', { max: KEYWORD_MAX }));
                  },
                }),
              ]}
            >
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} data-testid="menu-keywords" />
            </Form.Item>
            <Form.Item name="greeting" label={t('menus.greeting')} extra={t('menus.greetingHint')} rules={[zodRule(MenuAction.shape.greeting, t('menus.greetingRequired'))]}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} data-testid="menu-greeting" />
            </Form.Item>
            <Typography.Text strong>{t('menus.options')}</Typography.Text>
            <Form.List name="options">
              {(fields, { add, remove }) => (
                <div className="c-menu-editor-options">
                  {fields.map((field, i) => (
                    <OptionEditor key={field.key} form={form} name={field.name} n={i + 1} poolChoices={poolChoices} onRemove={fields.length > 1 ? () => remove(field.name) : null} t={t} />
                  ))}
                  {fields.length < MENU_OPTIONS_MAX && (
                    <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ label: '', kind: 'reply', reply: '', groupIds: [], cap: null, extra: [] } satisfies OptionValues)} data-testid="menu-option-add">
                      {t('menus.option.add')}
                    </Button>
                  )}
                </div>
              )}
            </Form.List>
            <Form.Item name="enabled" valuePropName="checked" label={t('menus.enabled')} className="c-menu-enabled">
              <Switch />
            </Form.Item>
            <div className="c-modal-actions">
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="menu-save">
                {t('common.save')}
              </Button>
            </div>
          </Form>
        </Col>
        <Col xs={24} md={10}>
          <MenuPreview form={form} groups={groups} locale={session.workspace.locale} t={t} />
        </Col>
      </Row>
    </Modal>
  );
}

function OptionEditor({
  form,
  name,
  n,
  poolChoices,
  onRemove,
  t,
}: {
  form: FormInstance<MenuValues>;
  name: number;
  n: number;
  poolChoices: { value: string; label: string }[];
  onRemove: (() => void) | null;
  t: Translate;
}) {
  const kind = Form.useWatch(['options', name, 'kind'], form) as OptionValues['kind'] | undefined;
  return (
    <Card
      size="small"
      className="c-menu-option"
      title={t('menus.option', { n })}
      data-testid="menu-option"
      extra={onRemove && <Button type="text" size="small" danger icon={<MinusCircleOutlined />} aria-label={t('menus.option.remove')} title={t('menus.option.remove')} onClick={onRemove} />}
    >
      <Form.Item name={[name, 'label']} label={t('menus.option.label')} rules={[zodRule(MenuOption.shape.label, t('menus.option.labelRequired'))]}>
        <Input placeholder={t('menus.option.labelPlaceholder')} maxLength={MENU_LABEL_MAX} data-testid="menu-option-label" />
      </Form.Item>
      <Form.Item name={[name, 'kind']} label={t('menus.option.kind')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'reply', label: t('menus.option.kind.reply') },
            { value: 'invite', label: <span data-testid="menu-option-kind-invite">{t('menus.option.kind.invite')}</span> },
          ]}
        />
      </Form.Item>
      {kind === 'invite' ? (
        <Row gutter={12}>
          <Col span={16}>
            <Form.Item name={[name, 'groupIds']} label={t('menus.option.pool')} extra={t('menus.option.poolHint')} rules={[{ required: true, type: 'array', min: 1, message: t('menus.option.poolRequired') }]}>
              <Select mode="multiple" options={poolChoices} optionFilterProp="label" data-testid="menu-option-pool" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={[name, 'cap']} label={t('menus.option.cap')} extra={t('menus.option.capHint')}>
              <InputNumber min={1} max={INVITE_CAP_MAX} precision={0} className="c-full" data-testid="menu-option-cap" />
            </Form.Item>
          </Col>
        </Row>
      ) : (
        <Form.Item name={[name, 'reply']} label={t('menus.option.reply')} rules={[zodRule(ReplyAction.shape.template, t('menus.option.replyRequired'))]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} placeholder={t('menus.option.replyPlaceholder')} data-testid="menu-option-reply" />
        </Form.Item>
      )}
      <Form.Item name={[name, 'extra']} hidden>
        <span />
      </Form.Item>
    </Card>
  );
}

/**
 * What a member will read: the greeting with its numbered options, and the answer to the number
 * picked above it, rendered by the same code as on the server (src/shared/preview.ts). The
 * invitation goes to the group the server would pick now.
 */
function MenuPreview({ form, groups, locale, t }: { form: FormInstance<MenuValues>; groups: Group[]; locale: Locale; t: Translate }) {
  const values = Form.useWatch([], { form, preserve: true }) as Partial<MenuValues> | undefined;
  const [pick, setPick] = useState(0);
  // A menu for all groups answers members of any group: preview it as seen from one of them.
  const [previewGroupId, setPreviewGroupId] = useState(() => (groups.find((g) => g.rules.trim() !== '') ?? groups[0])?.id);
  const options = values?.options ?? [];
  const scoped = groups.find((g) => g.id === values?.scope);
  const origin = scoped ?? groups.find((g) => g.id === previewGroupId);
  const ctx = { member: { platformUserId: PREVIEW_MEMBER, displayName: t('welcome.previewNickname') }, ...(origin ? { group: { name: origin.name, rules: origin.rules } } : {}) };
  const greeting = menuText(renderTemplate(values?.greeting ?? '', ctx), options.map((o) => o?.label || '…'));
  const picked = pick > 0 ? options[pick - 1] : undefined;

  let answer: { text: string; mentions: typeof greeting.mentions } | { note: string } | null = null;
  if (picked?.kind === 'reply') answer = renderTemplate(picked.reply ?? '', ctx);
  else if (picked?.kind === 'invite') {
    const candidates = (picked.groupIds ?? []).flatMap((id) => {
      const g = groups.find((x) => x.id === id);
      return g ? [{ groupId: id, activeMembers: g.memberCount, cap: g.inviteUrl === null ? 0 : (picked.cap ?? null) }] : [];
    });
    const choice = choosePoolGroup(candidates, new Set());
    const g = choice.kind === 'invite' ? groups.find((x) => x.id === choice.groupId) : undefined;
    answer = g?.inviteUrl ? { text: INVITE_TEXT[locale].invite(g.name, g.inviteUrl), mentions: [] } : { note: t('menus.previewFull') };
  }

  return (
    <div className="c-menu-preview" data-testid="menu-preview">
      <Space size={8} wrap>
        <Typography.Text type="secondary">{t('menus.preview')}</Typography.Text>
        {!scoped && groups.length > 0 && (
          <Select
            size="small"
            value={previewGroupId}
            onChange={setPreviewGroupId}
            options={groups.map((gr) => ({ value: gr.id, label: t('menus.previewFrom', { name: gr.name }) }))}
            popupMatchSelectWidth={false}
            data-testid="menu-preview-group"
          />
        )}
      </Space>
      <Segmented
        block
        size="small"
        value={pick}
        onChange={(v) => setPick(Number(v))}
        options={[{ value: 0, label: t('menus.previewGreeting') }, ...options.map((_, i) => ({ value: i + 1, label: t('menus.previewReply', { n: i + 1 }) }))]}
      />
      <div className="c-preview c-preview-chat">
        <div className="c-preview-row">
          <span className="c-preview-bot">{t('messages.bot')}</span>
          <div className="c-preview-bubble" data-testid="menu-preview-greeting">
            <MessageText text={greeting.text} mentions={greeting.mentions} me={PREVIEW_MEMBER} />
          </div>
        </div>
        {picked && (
          <>
            <div className="c-preview-row c-preview-row-mine">
              <div className="c-preview-bubble c-preview-mine">{String(pick)}</div>
            </div>
            <div className="c-preview-row">
              <span className="c-preview-bot">{t('messages.bot')}</span>
              {answer && 'note' in answer ? (
                <Typography.Text type="warning" data-testid="menu-preview-answer">
                  {answer.note}
                </Typography.Text>
              ) : (
                <div className="c-preview-bubble" data-testid="menu-preview-answer">
                  {answer && <MessageText text={answer.text} mentions={answer.mentions} me={PREVIEW_MEMBER} />}
                </div>
              )}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
