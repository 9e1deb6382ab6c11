import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './common';

/**
 * Chinese first (zh-CN), English on the switch; the choice is kept in this
 * browser. Each page registers its own messages (registerMessages) in its
 * own folder, under its own namespace.
 */
import type { Messages } from './messages';
export type { Messages } from './messages';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORED = 'uce.language';

function storedLanguage(): Language {
  const stored = localStorage.getItem(STORED);
  return stored === 'en' ? 'en' : 'zh-CN';
}

void i18next.use(initReactI18next).init({
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  ns: ['common'],
  resources: {},
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
registerMessages('common', common);
document.documentElement.lang = i18next.language;

export function registerMessages(namespace: string, messages: Messages): void {
  i18next.addResourceBundle('zh-CN', namespace, messages.zh, true, true);
  i18next.addResourceBundle('en', namespace, messages.en, true, true);
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORED, language);
  document.documentElement.lang = language;
  void i18next.changeLanguage(language);
}

export { i18next };
