import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Switch, Table, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { RuleInput, RuleOut } from '../../../src/shared/api.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useReportError, useSession } from './context.ts';
import { EmptyState } from './EmptyState.tsx';

/** Each kind's texts (`menus.…`, `keywords.…`) and test ids (`menu-…`, `keyword-…`). */
const TEXTS = { menu: 'menus', keyword: 'keywords' } as const;

export interface RuleEditorProps {
  /** null: a new rule. */
  rule: RuleOut | null;
  onClose: () => void;
  /** Creates or replaces the rule and closes the editor; throws what the API refused. */
  save: (body: RuleInput) => Promise<void>;
}

/**
 * A tab of the rules one preset makes (the assistant's menus, a group's keyword replies): a hint,
 * the table with a switch to turn each rule on or off, and adding, editing and deleting them, the
 * form being the preset's own `editor`.
 */
export function RuleList({
  kind,
  fetch,
  switched,
  columns,
  addDisabled = false,
  editor,
}: {
  kind: keyof typeof TEXTS;
  /** The rules to list. Keep it stable (useCallback): the list is fetched again when it changes. */
  fetch: () => Promise<RuleOut[]>;
  /** The rule as the API's input, turned on or off: what its switch in the table saves. */
  switched: (rule: RuleOut, enabled: boolean) => RuleInput;
  /** What the rules do; the switch and the edit and delete buttons follow them. */
  columns: TableColumnsType<RuleOut>;
  addDisabled?: boolean;
  editor: (props: RuleEditorProps) => ReactNode;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [rules, setRules] = useState<RuleOut[] | null>(null);
  const [editing, setEditing] = useState<RuleOut | 'new' | null>(null);
  const editable = can('rules:write');
  const texts = TEXTS[kind];

  useEffect(() => {
    fetch().then(setRules, report);
  }, [fetch, report]);

  async function toggle(rule: RuleOut, enabled: boolean) {
    try {
      const saved = await api.replaceRule(rule.id, switched(rule, enabled));
      setRules((rs) => rs?.map((r) => (r.id === saved.id ? saved : r)) ?? null);
    } catch (e) {
      report(e);
    }
  }

  async function remove(rule: RuleOut) {
    try {
      await api.deleteRule(rule.id);
      setRules((rs) => rs?.filter((r) => r.id !== rule.id) ?? null);
      void message.success(t('common.deleted'));
    } catch (e) {
      report(e);
    }
  }

  async function save(rule: RuleOut | null, body: RuleInput) {
    const saved = rule ? await api.replaceRule(rule.id, body) : await api.createRule(body);
    setRules((rs) => (rs?.some((r) => r.id === saved.id) ? rs.map((r) => (r.id === saved.id ? saved : r)) : [...(rs ?? []), saved]));
    setEditing(null);
    void message.success(t(`${texts}.saved`));
  }

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={addDisabled} data-testid={`${kind}-add`}>
      {t(`${texts}.add`)}
    </Button>
  );

  return (
    <>
      <div className="c-tab-toolbar">
        <Typography.Text type="secondary">{t(`${texts}.hint`)}</Typography.Text>
        {editable && rules !== null && rules.length > 0 && addButton}
      </div>
      {rules !== null && rules.length === 0 ? (
        <EmptyState title={t(`${texts}.empty.title`)} body={t(`${texts}.empty.body`)} add={addButton} canAdd={editable} />
      ) : (
        <Table<RuleOut>
          rowKey="id"
          loading={rules === null}
          dataSource={rules ?? []}
          pagination={false}
          data-testid={`${kind}-table`}
          columns={[
            ...columns,
            {
              title: t(`${texts}.col.enabled`),
              key: 'enabled',
              width: 80,
              render: (_, r) => <Switch size="small" checked={r.enabled} disabled={!editable} onChange={(v) => void toggle(r, v)} />,
            },
            ...(editable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 120,
                    render: (_: unknown, r: RuleOut) => (
                      <Space>
                        <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(r)} data-testid={`${kind}-edit`} />
                        <Popconfirm title={t(`${texts}.deleteConfirm`, { name: r.name })} onConfirm={() => void remove(r)} okText={t('common.delete')} cancelText={t('common.cancel')}>
                          <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid={`${kind}-delete`} />
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editing !== null &&
        editor({
          rule: editing === 'new' ? null : editing,
          onClose: () => setEditing(null),
          save: (body) => save(editing === 'new' ? null : editing, body),
        })}
    </>
  );
}
