import { App, Button } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import type { LiveFrame } from '../../../../src/shared/webchat-protocol.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useLiveFeed } from '../live.ts';
import { needsHuman } from './CaseTable.tsx';

/** How long a burst of case frames is gathered before the open count is read again. */
const RECOUNT_MS = 300;

/**
 * The review queue's open count for the navigation badge, kept current by the live feed; a new
 * case that needs a human (an alert, a removal the channel cannot do, a raid) also pops up as a
 * notification with a way to the queue.
 */
export function useOpenCases(): number | null {
  const { t } = useI18n();
  const { notification } = App.useApp();
  const navigate = useNavigate();
  const [open, setOpen] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seen = useRef(new Set<string>());

  const recount = useCallback(() => {
    api.cases(0, 1, { status: 'open' }).then(
      (r) => setOpen(r.total),
      () => {
        // The badge is a hint: it stays as it was and the next frame or reconnection tries again.
      },
    );
  }, []);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const onFrame = useCallback(
    (f: LiveFrame) => {
      if (f.type !== 'case') return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(recount, RECOUNT_MS);
      const c = f.case;
      if (c.status !== 'open' || !needsHuman(c) || seen.current.has(c.id)) return;
      seen.current.add(c.id);
      notification.warning({
        key: c.id,
        title: <span data-testid="case-notification">{c.groupName === null ? t('alert.titleNoGroup', { name: c.member.name }) : t('alert.title', { name: c.member.name, group: c.groupName })}</span>,
        description: c.evidence.text ?? t(`case.kind.${c.kind}`),
        duration: 8,
        actions: (
          <Button
            type="primary"
            size="small"
            onClick={() => {
              notification.destroy(c.id);
              navigate('/moderation?tab=cases');
            }}
          >
            {t('alert.open')}
          </Button>
        ),
      });
    },
    [navigate, notification, recount, t],
  );

  useLiveFeed(onFrame, recount);
  return open;
}
