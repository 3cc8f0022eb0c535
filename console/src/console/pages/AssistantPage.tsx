import { Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Group } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError } from '../context.ts';
import { PageHeader } from '../PageHeader.tsx';
import { ConversationsTab } from './assistant/ConversationsTab.tsx';
import { MenusTab } from './assistant/MenusTab.tsx';

const TABS = ['conversations', 'menus'] as const;
type TabKey = (typeof TABS)[number];

/** The assistant's private side: conversations with members, and the menus that answer them. */
export function AssistantPage() {
  const { t } = useI18n();
  const report = useReportError();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = params.get('tab') === 'menus' ? 'menus' : 'conversations';
  const [groups, setGroups] = useState<Group[] | null>(null);

  useEffect(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);

  const pane = {
    conversations: <ConversationsTab selected={params.get('identity')} onSelect={(identity) => setParams({ tab: 'conversations', identity }, { replace: true })} />,
    menus: <MenusTab groups={groups} />,
  } satisfies Record<TabKey, React.ReactNode>;

  return (
    <>
      <PageHeader title={t('assistant.title')} />
      <Typography.Paragraph type="secondary">{t('assistant.hint')}</Typography.Paragraph>
      <div className="c-panel c-tabs-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          destroyOnHidden
          items={TABS.map((k) => ({ key: k, label: <span data-testid={`tab-${k}`}>{t(`assistant.tab.${k}`)}</span>, children: pane[k] }))}
        />
      </div>
    </>
  );
}
