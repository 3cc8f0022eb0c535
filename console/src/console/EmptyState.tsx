import { Empty, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n.ts';

/**
 * What a list shows while it has nothing in it: a title, a line on what the list is for, and the
 * way to add the first item, or for a role that may not, why it is missing. One component so that
 * every empty list of the console looks and reads the same.
 */
export function EmptyState({
  title,
  body,
  level = 5,
  panel = false,
  testid,
  add,
  canAdd = false,
}: {
  title: ReactNode;
  /** Left out where there is nothing to explain (a filter that hides everything). */
  body?: ReactNode;
  /** 4 for the first thing a new workspace sees (its group list), 5 everywhere else. */
  level?: 4 | 5;
  /** A page's list (not a tab's): on the white panel its table stands on, which also carries the test id. */
  panel?: boolean;
  testid?: string;
  /** The button that adds the first item; left out for lists that fill by themselves. */
  add?: ReactNode;
  canAdd?: boolean;
}) {
  const { t } = useI18n();
  const empty = (
    <Empty
      className={panel ? undefined : 'c-empty'}
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid={panel ? undefined : testid}
      description={
        <>
          <Typography.Title level={level}>{title}</Typography.Title>
          {body !== undefined && (
            <Typography.Paragraph type="secondary" className="c-empty-body">
              {body}
            </Typography.Paragraph>
          )}
        </>
      }
    >
      {add !== undefined && (canAdd ? add : <Typography.Text type="secondary">{t('common.readOnly')}</Typography.Text>)}
    </Empty>
  );
  return panel ? (
    <div className="c-panel c-empty" data-testid={testid}>
      {empty}
    </div>
  ) : (
    empty
  );
}
