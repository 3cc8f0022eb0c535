import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n.ts';

export function PageHeader({ title, subtitle, extra, back }: { title: ReactNode; subtitle?: ReactNode; extra?: ReactNode; back?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <div className="c-page-header">
      <Space align="center" size={12} className="c-page-title">
        {back && <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('common.back')} onClick={() => navigate(back)} />}
        <div>
          <Typography.Title level={3} className="c-title" data-testid="page-title">
            {title}
          </Typography.Title>
          {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
        </div>
      </Space>
      {extra && <div className="c-page-extra">{extra}</div>}
    </div>
  );
}
