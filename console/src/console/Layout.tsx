import { AuditOutlined, ControlOutlined, MessageOutlined, SafetyOutlined, LogoutOutlined, SettingOutlined, StopOutlined, TeamOutlined, UserOutlined, WechatOutlined } from '@ant-design/icons';
import { Avatar, Badge, Button, Dropdown, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n.ts';
import { useSession } from './context.ts';
import { LocaleSwitch } from './LocaleSwitch.tsx';
import { useOpenCases } from './moderation/useOpenCases.tsx';

export function ConsoleLayout() {
  const { t } = useI18n();
  const { session, can, setLocale, logout } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const section = pathname.startsWith('/contacts') ? '/groups' : `/${pathname.split('/')[1] ?? ''}`;
  const openCases = useOpenCases();

  const items = [
    { key: '/groups', icon: <WechatOutlined />, label: t('nav.groups') },
    {
      key: '/moderation',
      icon: <SafetyOutlined />,
      label: (
        <span className="c-nav-badged" data-testid="nav-moderation" data-open-cases={openCases ?? ''}>
          {t('nav.moderation')}
          <Badge count={openCases ?? 0} size="small" overflowCount={99} title={t('nav.openCases', { count: openCases ?? 0 })} />
        </span>
      ),
    },
    { key: '/blacklist', icon: <StopOutlined />, label: t('nav.blacklist') },
    { key: '/policies', icon: <ControlOutlined />, label: t('nav.policies') },
    { key: '/assistant', icon: <MessageOutlined />, label: t('nav.assistant') },
    { key: '/team', icon: <TeamOutlined />, label: t('nav.team') },
    ...(can('audit:read') ? [{ key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') }] : []),
    { key: '/settings', icon: <SettingOutlined />, label: t('nav.settings') },
  ];

  return (
    <Layout className="c-shell">
      <Layout.Sider theme="light" breakpoint="lg" collapsedWidth={64} width={208} style={{ borderInlineEnd: "1px solid #f0f0f0" }}>
        <div className="c-logo">
          <span className="c-logo-mark">群</span>
          <span className="c-logo-text">{t('app.name')}</span>
        </div>
        <Menu mode="inline" selectedKeys={[section]} items={items} onClick={({ key }) => navigate(key)} style={{ borderInlineEnd: "none" }} data-testid="nav-menu" />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="c-header">
          <Typography.Text strong className="c-workspace" data-testid="workspace-name">
            {session.workspace.name}
          </Typography.Text>
          <Space size="middle">
            <LocaleSwitch onChange={setLocale} />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'email', label: session.user.email, disabled: true },
                  { type: 'divider' },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), onClick: logout },
                ],
              }}
            >
              <Button type="text" data-testid="user-menu">
                <Space size={6}>
                  <Avatar size="small" icon={<UserOutlined />} />
                  <span>{session.user.name}</span>
                  <Tag bordered={false}>{t(`role.${session.role}`)}</Tag>
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content className="c-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
