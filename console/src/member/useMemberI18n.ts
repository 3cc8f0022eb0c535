import { useEffect, useMemo } from 'react';
import { browserLocale, translator, type I18n } from '../i18n.ts';

/** Member pages speak the browser's language (Chinese for zh-*, English otherwise). */
export function useMemberI18n(): I18n {
  const i18n = useMemo(() => {
    const locale = browserLocale();
    return { locale, t: translator(locale) };
  }, []);
  useEffect(() => {
    document.documentElement.lang = i18n.locale;
  }, [i18n.locale]);
  return i18n;
}
