import { Button, Typography } from 'antd';
import { useI18n } from '../i18n.ts';

/** Under a list read a page at a time: the button for the next page, or that there is none. */
export function LoadMore({ more, loading, onMore }: { more: boolean; loading: boolean; onMore: () => void }) {
  const { t } = useI18n();
  return (
    <div className="c-load-more">
      {more ? (
        <Button onClick={onMore} loading={loading}>
          {t('common.loadMore')}
        </Button>
      ) : (
        <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
      )}
    </div>
  );
}
