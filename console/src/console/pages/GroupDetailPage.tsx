import { Result, Spin, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import type { Group } from '../../../../src/shared/api.ts';
import { api, ApiRequestError } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { errorText } from '../context.ts';
import { PageHeader } from '../PageHeader.tsx';
import { KeywordsTab } from './group/KeywordsTab.tsx';
import { MembersTab } from './group/MembersTab.tsx';
import { MessagesTab } from './group/MessagesTab.tsx';
import { OverviewTab } from './group/OverviewTab.tsx';
import { RulesTab } from './group/RulesTab.tsx';
import { SettingsTab } from './group/SettingsTab.tsx';
import { AdminList } from '../AdminList.tsx';

const TABS = ['overview', 'rules', 'keywords', 'members', 'messages', 'settings', 'admins'] as const;
type TabKey = (typeof TABS)[number];
const isTab = (v: string | null): v is TabKey => TABS.some((k) => k === v);

export function GroupDetailPage() {
  const { id = '' } = useParams();
  const groupScope = useMemo(() => ({ groupId: id }), [id]);
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = isTab(tabParam) ? tabParam : 'overview';
  const [group, setGroup] = useState<Group | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setError(null);
    api.group(id).then(setGroup, setError);
  }, [id]);
  useEffect(load, [load]);

  if (error) {
    const missing = error instanceof ApiRequestError && error.status === 404;
    return <Result status={missing ? '404' : 'warning'} title={missing ? t('common.notFound') : errorText(error, t)} />;
  }
  if (!group || group.id !== id) {
    return (
      <div className="c-center">
        <Spin />
      </div>
    );
  }

  const pane = {
    overview: <OverviewTab group={group} onChange={setGroup} onGoTo={(k) => setParams({ tab: k })} />,
    rules: <RulesTab group={group} onChange={setGroup} />,
    keywords: <KeywordsTab scope={groupScope} />,
    members: <MembersTab group={group} />,
    messages: <MessagesTab group={group} />,
    settings: <SettingsTab group={group} />,
    admins: <AdminList groups={[group]} scope={{ group }} />,
  } satisfies Record<TabKey, React.ReactNode>;

  return (
    <>
      <PageHeader back="/groups" title={group.name} subtitle={<Tag color={group.channelKind === 'webchat' ? 'green' : 'blue'}>{t(`channel.${group.channelKind}`)}</Tag>} />
      <div className="c-panel c-tabs-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          destroyOnHidden
          items={TABS.map((k) => ({ key: k, label: <span data-testid={`tab-${k}`}>{t(`group.tab.${k}`)}</span>, children: pane[k] }))}
        />
      </div>
    </>
  );
}
