import { DeleteOutlined, EditOutlined, FormOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { WORDS_PER_LIST_MAX, type Group, type WordInput, type WordList } from '../../../../src/shared/api.ts';
import { api, type ModerationAction, type WordsSaved } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { EmptyState } from '../EmptyState.tsx';
import { AdminList } from '../AdminList.tsx';
import { ActionTag } from '../moderation/CaseTable.tsx';
import { ReviewQueue } from '../moderation/ReviewQueue.tsx';
import { PageHeader } from '../PageHeader.tsx';

const ACTIONS: readonly ModerationAction[] = ['block', 'warn', 'alert'];
const WORD_MAX = 50;
const WORD_PAGE = 200;
const TABS = ['cases', 'lists', 'admins'] as const;
type TabKey = (typeof TABS)[number];
const isTab = (v: string | null): v is TabKey => TABS.some((k) => k === v);

/** Action suffixes accepted at the end of a line: the API's names, and the Chinese labels. */
const SUFFIX: Record<string, ModerationAction> = { block: 'block', warn: 'warn', alert: 'alert', 拦截: 'block', 警告: 'warn', 提醒: 'alert' };

type Parsed = { ok: true; words: WordInput[] } | { ok: false; line: number };

/** One word per line, optionally `word,block|warn|alert` (an ASCII or full-width comma). */
export function parseWords(text: string, fallback: ModerationAction): Parsed {
  const words: WordInput[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line) continue;
    const m = /^(.*?)\s*[,，]\s*([a-z]+|拦截|警告|提醒)$/i.exec(line);
    const action = m ? SUFFIX[(m[2] ?? '').toLowerCase()] : undefined;
    const word = (m && action ? (m[1] ?? '') : line).trim();
    if (!word) continue;
    if (word.length > WORD_MAX) return { ok: false, line: i + 1 };
    words.push({ word, action: action ?? fallback });
  }
  return { ok: true, words };
}

/** The textarea form of a list's words: the default action is left unsaid. */
export function formatWords(words: readonly WordInput[], fallback: ModerationAction): string {
  return words.map((w) => (w.action === fallback ? w.word : `${w.word},${w.action}`)).join('\n');
}

export function ModerationPage() {
  const { t } = useI18n();
  const report = useReportError();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = isTab(tabParam) ? tabParam : 'cases';
  const [groups, setGroups] = useState<Group[]>([]);

  useEffect(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);

  const pane = {
    lists: <WordListsTab scope={{ groups }} />,
    cases: <ReviewQueue groups={groups} />,
    admins: <AdminList groups={groups} />,
  } satisfies Record<TabKey, React.ReactNode>;

  return (
    <>
      <PageHeader title={t('mod.title')} />
      <Typography.Paragraph type="secondary">{t('mod.hint')}</Typography.Paragraph>
      <div className="c-panel c-tabs-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          destroyOnHidden
          items={TABS.map((k) => ({ key: k, label: <span data-testid={`tab-${k}`}>{t(`mod.tab.${k}`)}</span>, children: pane[k] }))}
        />
      </div>
    </>
  );
}

type Editing = { kind: 'create' } | { kind: 'words'; list: WordList } | { kind: 'rename'; list: WordList };

/** Whose word lists: every list of the workspace (created for any group, or all), or one template's. */
export type WordListsScope = { groups: Group[] } | { policyId: string };

export function WordListsTab({ scope }: { scope: WordListsScope }) {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [lists, setLists] = useState<WordList[] | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [merged, setMerged] = useState<WordsSaved['merged']>([]);
  const editable = can('moderation:act');

  const policyId = 'policyId' in scope ? scope.policyId : undefined;
  const groups = 'groups' in scope ? scope.groups : null;
  const groupName = useMemo(() => {
    const names = new Map((groups ?? []).map((g) => [g.id, g.name]));
    return (id: string) => names.get(id) ?? id;
  }, [groups]);

  useEffect(() => {
    api.wordLists(policyId).then((r) => setLists(r.items), report);
  }, [policyId, report]);

  function upsert(list: WordList) {
    setLists((ls) => (ls?.some((l) => l.id === list.id) ? ls.map((l) => (l.id === list.id ? list : l)) : [...(ls ?? []), list]));
  }

  function saved(r: WordsSaved) {
    upsert(r.list);
    setMerged(r.merged);
    setEditing(null);
    void message.success(t('mod.lists.saved'));
  }

  async function remove(list: WordList) {
    try {
      await api.deleteWordList(list.id);
      setLists((ls) => ls?.filter((l) => l.id !== list.id) ?? null);
      void message.success(t('common.deleted'));
    } catch (e) {
      report(e);
    }
  }

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ kind: 'create' })} data-testid="wordlist-add">
      {t('mod.lists.add')}
    </Button>
  );

  return (
    <>
      <div className="c-tab-toolbar">
        <Typography.Text type="secondary">
          <Space size={4} wrap>
            {ACTIONS.map((a) => (
              <span key={a}>
                <ActionTag action={a} t={t} />
                {t(`mod.actionHelp.${a}`).replace(/^[^：:]+[：:]\s*/, '')}
              </span>
            ))}
          </Space>
        </Typography.Text>
        {editable && lists !== null && lists.length > 0 && addButton}
      </div>
      {merged.length > 0 && (
        <Alert
          type="info"
          showIcon
          closable
          onClose={() => setMerged([])}
          style={{ marginBottom: 16 }}
          data-testid="wordlist-merged"
          title={t('mod.lists.merged', { count: merged.length })}
          description={merged
            .slice(0, 20)
            .map((m) => `${m.word} → ${m.into}`)
            .join('，')
            .concat(merged.length > 20 ? ' …' : '')}
        />
      )}
      {lists !== null && lists.length === 0 ? (
        <EmptyState title={t('mod.lists.empty.title')} body={t('mod.lists.empty.body')} add={addButton} canAdd={editable} />
      ) : (
        <Table<WordList>
          rowKey="id"
          loading={lists === null}
          dataSource={lists ?? []}
          pagination={false}
          data-testid="wordlist-table"
          onRow={(l) => ({ 'data-testid': 'wordlist-row', 'data-list-id': l.id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('mod.lists.col.name'), dataIndex: 'name' },
            ...(groups
              ? [
                  {
                    title: t('mod.lists.col.scope'),
                    key: 'scope',
                    render: (_: unknown, l: WordList) =>
                      l.groupId !== null ? (
                        <Link to={`/groups/${l.groupId}`}>{groupName(l.groupId)}</Link>
                      ) : l.policyId !== null ? (
                        <Link to={`/policies/${l.policyId}`}>
                          <Tag color="purple">{t('mod.scope.policy')}</Tag>
                        </Link>
                      ) : (
                        <Tag color="green">{t('mod.scope.all')}</Tag>
                      ),
                  },
                ]
              : []),
            { title: t('mod.lists.col.count'), dataIndex: 'wordCount', width: 90, render: (n: number) => <span data-testid="wordlist-count">{n}</span> },
            { title: t('mod.lists.col.updated'), dataIndex: 'updatedAt', width: 170, render: (ms: number) => formatTime(ms) },
            ...(editable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 240,
                    render: (_: unknown, l: WordList) => (
                      <Space size={4}>
                        <Button size="small" icon={<FormOutlined />} onClick={() => setEditing({ kind: 'words', list: l })} data-testid="wordlist-edit-words">
                          {t('mod.lists.editWords')}
                        </Button>
                        <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditing({ kind: 'rename', list: l })} data-testid="wordlist-rename">
                          {t('mod.lists.rename')}
                        </Button>
                        <Popconfirm title={t('mod.lists.deleteConfirm', { name: l.name })} onConfirm={() => void remove(l)} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }}>
                          <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="wordlist-delete" />
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editing?.kind === 'create' && <WordsModal scope={scope} list={null} onClose={() => setEditing(null)} onSaved={saved} />}
      {editing?.kind === 'words' && <WordsModal scope={scope} list={editing.list} onClose={() => setEditing(null)} onSaved={saved} />}
      {editing?.kind === 'rename' && (
        <RenameModal
          list={editing.list}
          onClose={() => setEditing(null)}
          onSaved={(l) => {
            upsert(l);
            setEditing(null);
            void message.success(t('mod.lists.saved'));
          }}
        />
      )}
    </>
  );
}

interface WordsValues {
  name: string;
  groupId: string;
  defaultAction: ModerationAction;
  text: string;
}

const ALL = '__all__';

/** Creates a list (name, scope, words) or replaces the words of one (loaded in full first). */
function WordsModal({ scope, list, onClose, onSaved }: { scope: WordListsScope; list: WordList | null; onClose: () => void; onSaved: (r: WordsSaved) => void }) {
  const { t } = useI18n();
  const report = useReportError();
  const [form] = Form.useForm<WordsValues>();
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(list !== null);
  const text = Form.useWatch('text', form) ?? '';
  const defaultAction = Form.useWatch('defaultAction', form) ?? 'block';
  const parsed = parseWords(text, defaultAction);

  const loadAll = useCallback(async (id: string) => {
    const all: WordInput[] = [];
    for (;;) {
      const page = await api.words(id, all.length, WORD_PAGE);
      all.push(...page.items);
      if (page.items.length < WORD_PAGE || all.length >= page.total) return all;
    }
  }, []);

  useEffect(() => {
    if (!list) return;
    let live = true;
    loadAll(list.id).then(
      (words) => {
        if (!live) return;
        form.setFieldsValue({ text: formatWords(words, 'block') });
        setLoading(false);
      },
      (e: unknown) => {
        if (live) report(e);
      },
    );
    return () => {
      live = false;
    };
  }, [list, loadAll, form, report]);

  async function submit(v: WordsValues) {
    const p = parseWords(v.text ?? '', v.defaultAction);
    if (!p.ok) return;
    setBusy(true);
    try {
      const owner = 'policyId' in scope ? { groupId: null, policyId: scope.policyId } : { groupId: v.groupId === ALL ? null : v.groupId, policyId: null };
      onSaved(list ? await api.putWords(list.id, p.words) : await api.createWordList({ name: v.name, ...owner, words: p.words }));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  const wordsError = !parsed.ok ? t('mod.lists.wordTooLong', { line: parsed.line }) : parsed.words.length > WORDS_PER_LIST_MAX ? t('mod.lists.wordsTooMany', { max: WORDS_PER_LIST_MAX }) : null;

  return (
    <Modal open width={640} title={list ? t('mod.lists.wordsTitle', { name: list.name }) : t('mod.lists.createTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form<WordsValues> form={form} layout="vertical" initialValues={{ name: '', groupId: ALL, defaultAction: 'block', text: '' }} onFinish={(v) => void submit(v)} requiredMark={false}>
        {!list && (
          <>
            <Form.Item name="name" label={t('mod.lists.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
              <Input placeholder={t('mod.lists.namePlaceholder')} maxLength={80} autoFocus data-testid="wordlist-name" />
            </Form.Item>
            {'groups' in scope && (
              <Form.Item name="groupId" label={t('mod.lists.scope')}>
                <Select
                  data-testid="wordlist-scope"
                  options={[{ value: ALL, label: t('mod.scope.all') }, ...scope.groups.map((g) => ({ value: g.id, label: g.name }))]}
                  showSearch={{ optionFilterProp: 'label' }}
                />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="defaultAction" label={t('mod.lists.defaultAction')} extra={t(`mod.actionHelp.${defaultAction}`)}>
          <Select data-testid="wordlist-default-action" options={ACTIONS.map((a) => ({ value: a, label: t(`mod.action.${a}`) }))} style={{ maxWidth: 200 }} />
        </Form.Item>
        <Form.Item
          name="text"
          label={t('mod.lists.words')}
          extra={
            <>
              <div>{t('mod.lists.wordsHint')}</div>
              {parsed.ok && <div data-testid="wordlist-word-count">{t('mod.lists.wordsCount', { count: parsed.words.length })}</div>}
            </>
          }
          validateStatus={wordsError ? 'error' : undefined}
          help={wordsError ?? undefined}
        >
          {loading ? (
            <div className="c-center" style={{ minHeight: 120 }}>
              <Spin tip={t('mod.lists.loadingWords')}>
                <div style={{ width: 120, height: 60 }} />
              </Spin>
            </div>
          ) : (
            <Input.TextArea autoSize={{ minRows: 8, maxRows: 18 }} placeholder={t('mod.lists.wordsPlaceholder')} spellCheck={false} data-testid="wordlist-words" />
          )}
        </Form.Item>
        <div className="c-modal-actions">
          <Button onClick={onClose} data-testid="wordlist-cancel">{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} disabled={loading || wordsError !== null} data-testid="wordlist-save">
            {list ? t('common.save') : t('common.create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

function RenameModal({ list, onClose, onSaved }: { list: WordList; onClose: () => void; onSaved: (l: WordList) => void }) {
  const { t } = useI18n();
  const report = useReportError();
  const [busy, setBusy] = useState(false);

  async function submit(v: { name: string }) {
    setBusy(true);
    try {
      onSaved(await api.renameWordList(list.id, v.name));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('mod.lists.renameTitle')} onCancel={onClose} footer={null}>
      <Form<{ name: string }> layout="vertical" initialValues={{ name: list.name }} onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item name="name" label={t('mod.lists.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input maxLength={80} autoFocus data-testid="wordlist-rename-input" />
        </Form.Item>
        <div className="c-modal-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="wordlist-rename-save">
            {t('common.save')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
