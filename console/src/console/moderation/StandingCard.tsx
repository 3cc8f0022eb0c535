import { Card, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { BlacklistEntry, Case, ContactProfile, Standing, Warning } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { CaseTable } from './CaseTable.tsx';

type Mute = Standing['mutes'][number];
const CASES = 50;

/**
 * A contact's standing (违规记录): warn points in force, warnings with their expiry, mutes,
 * blacklist entries, and every case about them (a blacklist entry links here with `highlight`).
 */
export function StandingCard({ contact, version, highlight, onChanged }: { contact: ContactProfile; version: number; highlight: string | null; onChanged: () => void }) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  const report = useReportError();
  const [standing, setStanding] = useState<Standing | null>(null);
  const [cases, setCases] = useState<{ items: Case[]; total: number } | null>(null);
  const [tab, setTab] = useState('cases');
  const id = contact.id;

  useEffect(() => {
    let live = true;
    api.standing(id).then((s) => live && setStanding(s), report);
    api.cases(0, CASES, { contactId: id }).then((r) => live && setCases(r), report);
    return () => {
      live = false;
    };
  }, [id, version, report]);

  const now = Date.now();
  const groupName = (groupId: string | null) => (groupId === null ? t('mod.scope.all') : (contact.memberships.find((m) => m.groupId === groupId)?.groupName ?? t('common.none')));
  const muted = standing?.mutes.filter((m) => m.liftedAt === null && m.until > now) ?? [];
  const banned = standing?.blacklist.filter((b) => b.active) ?? [];

  const warningStatus = (w: Warning) => (w.revokedAt !== null ? 'revoked' : w.expiresAt > now ? 'active' : 'expired');
  const muteStatus = (m: Mute) => (m.liftedAt !== null ? 'lifted' : m.until > now ? 'active' : 'ended');

  return (
    <Card size="small" title={t('standing.title')} data-testid="contact-standing">
      <Space size={48} wrap className="c-standing-summary">
        <Statistic title={t('standing.points')} value={standing?.points ?? '—'} styles={{ content: standing && standing.points > 0 ? { color: '#d46b08' } : {} }} data-testid="standing-points" />
        <Statistic
          title={t('standing.blacklist')}
          value={standing ? (banned.length > 0 ? t('standing.blacklisted', { count: banned.length }) : t('standing.clear')) : '—'}
          styles={{ content: banned.length > 0 ? { color: '#cf1322' } : {} }}
          data-testid="standing-blacklist"
        />
        <Statistic
          title={t('standing.mute')}
          value={standing ? (muted.length > 0 ? t('standing.mutedUntil', { time: formatTime(Math.max(...muted.map((m) => m.until))) }) : t('standing.clear')) : '—'}
          data-testid="standing-mute"
        />
      </Space>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'cases',
            label: <span data-testid="standing-tab-cases">{t('standing.cases', { count: cases?.total ?? 0 })}</span>,
            children: (
              <CaseTable
                items={cases?.items ?? null}
                member={false}
                highlight={highlight}
                onChanged={(c) => {
                  setCases((cur) => cur && { ...cur, items: cur.items.map((x) => (x.id === c.id ? c : x)) });
                  onChanged();
                }}
              />
            ),
          },
          {
            key: 'warnings',
            label: <span data-testid="standing-tab-warnings">{t('standing.warnings', { count: standing?.warnings.length ?? 0 })}</span>,
            children: (
              <Table<Warning>
                rowKey="id"
                size="small"
                pagination={false}
                loading={standing === null}
                dataSource={standing?.warnings ?? []}
                data-testid="standing-warnings"
                columns={[
                  { title: t('mod.cases.col.time'), dataIndex: 'createdAt', width: 150, render: (ms: number) => formatTime(ms) },
                  { title: t('mod.cases.col.group'), dataIndex: 'groupId', width: 140, render: (g: string | null) => groupName(g) },
                  { title: t('standing.reason'), dataIndex: 'reason' },
                  { title: t('standing.by'), dataIndex: 'by', width: 110 },
                  { title: t('standing.expires'), dataIndex: 'expiresAt', width: 150, render: (ms: number) => formatTime(ms) },
                  {
                    title: t('mod.cases.col.status'),
                    key: 'status',
                    width: 90,
                    render: (_, w) => {
                      const s = warningStatus(w);
                      return <Tag color={s === 'active' ? 'orange' : 'default'}>{t(`standing.warning.${s}`)}</Tag>;
                    },
                  },
                ]}
              />
            ),
          },
          {
            key: 'mutes',
            label: t('standing.mutes', { count: standing?.mutes.length ?? 0 }),
            children: (
              <Table<Mute>
                rowKey="id"
                size="small"
                pagination={false}
                loading={standing === null}
                dataSource={standing?.mutes ?? []}
                columns={[
                  { title: t('mod.cases.col.group'), dataIndex: 'groupId', render: (g: string) => groupName(g) },
                  { title: t('standing.until'), dataIndex: 'until', render: (ms: number) => formatTime(ms) },
                  {
                    title: t('mod.cases.col.status'),
                    key: 'status',
                    width: 100,
                    render: (_, m) => {
                      const s = muteStatus(m);
                      return <Tag color={s === 'active' ? 'purple' : 'default'}>{t(`standing.muteStatus.${s}`)}</Tag>;
                    },
                  },
                ]}
              />
            ),
          },
          {
            key: 'blacklist',
            label: t('standing.blacklistEntries', { count: standing?.blacklist.length ?? 0 }),
            children: (
              <Table<BlacklistEntry>
                rowKey="id"
                size="small"
                pagination={false}
                loading={standing === null}
                dataSource={standing?.blacklist ?? []}
                columns={[
                  { title: t('bl.col.scope'), key: 'scope', width: 140, render: (_, e) => (e.group ? e.group.name : t('bl.scopeAll')) },
                  { title: t('bl.col.reason'), dataIndex: 'reason' },
                  { title: t('standing.by'), dataIndex: 'addedBy', width: 110 },
                  { title: t('bl.col.expires'), dataIndex: 'expiresAt', width: 150, render: (ms: number | null) => (ms === null ? t('bl.forever') : formatTime(ms)) },
                  {
                    title: t('mod.cases.col.status'),
                    key: 'status',
                    width: 100,
                    render: (_, e) => <Tag color={e.active ? 'red' : 'default'}>{t(e.active ? 'bl.status.active' : e.liftedAt !== null ? 'bl.status.lifted' : 'bl.status.expired')}</Tag>,
                  },
                ]}
              />
            ),
          },
        ]}
      />
      <Typography.Paragraph type="secondary" className="c-small">
        {t('standing.hint')} <Link to="/blacklist">{t('nav.blacklist')}</Link>
      </Typography.Paragraph>
    </Card>
  );
}
