import { Segmented } from 'antd';
import { LOCALES, useI18n, type Locale } from '../i18n.ts';

export function LocaleSwitch({ onChange }: { onChange: (locale: Locale) => void }) {
  const { locale, t } = useI18n();
  return (
    <Segmented<Locale>
      size="small"
      aria-label={t('common.language')}
      data-testid="locale-switch"
      value={locale}
      onChange={onChange}
      options={LOCALES.map((l) => ({ value: l, label: t(`locale.${l}`) }))}
    />
  );
}
