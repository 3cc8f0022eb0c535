import { Segmented, Select, Space, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CASE_KINDS, type Case, type CaseKind, type Group } from '../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../src/shared/webchat-protocol.ts';
import { api, type CaseFilter } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError } from '../context.ts';
import { EmptyState } from '../EmptyState.tsx';
import { LoadMore } from '../LoadMore.tsx';
import { useLiveUpdates } from '../live.ts';
import { CaseTable } from './CaseTable.tsx';

const PAGE = 50;
type Show = 'open' | 'all';

function matches(c: Case, f: CaseFilter): boolean {
  return (f.status === undefined || c.status === f.status) && (f.groupId === undefined || c.groupId === f.groupId) && (f.kind === undefined || c.kind === f.kind);
}

/**
 * The review queue: open cases first (or every case), by group and by kind; new cases arrive live,
 * handled ones leave the open view at once.
 */
export function ReviewQueue({ groups }: { groups: Group[] }) {
  const { t } = useI18n();
  const report = useReportError();
  const [show, setShow] = useState<Show>('open');
  const [groupId, setGroupId] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<CaseKind | undefined>(undefined);
  const [data, setData] = useState<{ items: Case[]; total: number } | null>(null);
  const [loading, setLoading] = useState(false);
  const filter = useMemo<CaseFilter>(() => ({ ...(show === 'open' ? { status: 'open' } : {}), ...(groupId ? { groupId } : {}), ...(kind ? { kind } : {}) }), [show, groupId, kind]);
  const filterRef = useRef(filter);
  useEffect(() => {
    filterRef.current = filter;
  });
  const seq = useRef(0);

  const load = useCallback(
    async (offset: number) => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const r = await api.cases(offset, PAGE, filter);
        if (mine !== seq.current) return;
        setData((cur) => ({ items: offset === 0 || !cur ? r.items : [...cur.items, ...r.items.filter((c) => !cur.items.some((x) => x.id === c.id))], total: r.total }));
      } catch (e) {
        report(e);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [filter, report],
  );

  useEffect(() => {
    setData(null);
    void load(0);
  }, [load]);

  /** A case from the live feed or an action: updated in place, added, or gone from this view. */
  const changed = useCallback((c: Case) => {
    setData((cur) => {
      if (!cur) return cur;
      const had = cur.items.some((x) => x.id === c.id);
      const fits = matches(c, filterRef.current);
      if (had && fits) return { ...cur, items: cur.items.map((x) => (x.id === c.id ? c : x)) };
      if (had) return { items: cur.items.filter((x) => x.id !== c.id), total: cur.total - 1 };
      if (!fits) return cur;
      return { items: [c, ...cur.items], total: cur.total + 1 };
    });
  }, []);

  const onFrame = useCallback(
    (f: LiveFrame) => {
      if (f.type === 'case') changed(f.case);
      // A block's deletion is done by the dispatcher after the case is written: strike the evidence then.
      if (f.type === 'message_deleted') {
        const deletedAt = Date.now();
        setData((cur) => cur && { ...cur, items: cur.items.map((c) => (c.evidence.messageId === f.messageId && c.evidence.deletedAt === null ? { ...c, evidence: { ...c.evidence, deletedAt } } : c)) });
      }
    },
    [changed],
  );
  useLiveUpdates(onFrame, () => void load(0));

  const filtered = groupId !== undefined || kind !== undefined;
  const items = data?.items ?? null;
  const total = data?.total ?? 0;
  const more = items !== null && items.length < total;

  return (
    <>
      <div className="c-tab-toolbar">
        <Space wrap>
          <Segmented<Show>
            value={show}
            onChange={setShow}
            options={[
              { value: 'open', label: <span data-testid="queue-show-open">{t('queue.open')}</span> },
              { value: 'all', label: <span data-testid="queue-show-all">{t('queue.all')}</span> },
            ]}
          />
          <Select<string>
            allowClear
            placeholder={t('mod.cases.filterGroup')}
            value={groupId}
            onChange={(v) => setGroupId(v ?? undefined)}
            options={groups.map((g) => ({ value: g.id, label: g.name }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 200 }}
            data-testid="case-group-filter"
          />
          <Select<CaseKind>
            allowClear
            placeholder={t('queue.allKinds')}
            value={kind}
            onChange={(v) => setKind(v ?? undefined)}
            options={CASE_KINDS.map((k) => ({ value: k, label: t(`case.kind.${k}`) }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 160 }}
            data-testid="case-kind-filter"
          />
        </Space>
        <Typography.Text type="secondary" data-testid="queue-total">
          {t(show === 'open' ? 'queue.totalOpen' : 'queue.total', { total })}
        </Typography.Text>
      </div>
      <CaseTable
        items={items}
        onChanged={changed}
        empty={
          <EmptyState
            title={t(filtered ? 'queue.emptyFiltered' : show === 'open' ? 'queue.emptyOpen' : 'mod.cases.empty.title')}
            body={filtered ? undefined : t(show === 'open' ? 'queue.emptyOpenBody' : 'mod.cases.empty.body')}
            testid="case-empty"
          />
        }
      />
      {items !== null && items.length > 0 && <LoadMore more={more} loading={loading} onMore={() => void load(items.length)} />}
    </>
  );
}
