/** A namespace's messages, in Chinese (first) and English. */
export type Messages = { zh: Record<string, string>; en: Record<string, string> };
