import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getWith, useToken } from '../api/client';
import type { Me, Read } from '../api/types';

/**
 * The session: the token the user logged in with, kept in this tab's
 * sessionStorage only (gone when the tab closes; never in a URL or in
 * localStorage), and who the API says it is.
 */
interface Session {
  me: Me | null;
  /** Checks the token with the API; keeps it when accepted (throws the API's error otherwise). */
  login(token: string): Promise<void>;
  logout(): void;
  may(read: Read): boolean;
}

const KEY = 'uce.session';
const SessionContext = createContext<Session | null>(null);

interface Stored {
  token: string;
  me: Me;
}

function stored(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [session, setSession] = useState<Stored | null>(stored);

  const logout = useCallback(() => {
    sessionStorage.removeItem(KEY);
    useToken(null);
    queries.clear();
    setSession(null);
  }, [queries]);

  // Set before the first render of the pages below, so their first queries carry it.
  useToken(session?.token ?? null, logout);
  useEffect(() => useToken(session?.token ?? null, logout), [session, logout]);

  const login = useCallback(async (token: string) => {
    const me = await getWith<Me>(token.trim(), '/api/access/me');
    const value = { token: token.trim(), me: { role: me.role, areaId: me.areaId, holder: me.holder, reads: me.reads } };
    sessionStorage.setItem(KEY, JSON.stringify(value));
    queries.clear();
    setSession(value);
  }, [queries]);

  const value = useMemo<Session>(
    () => ({ me: session?.me ?? null, login, logout, may: (read) => session?.me.reads.includes(read) ?? false }),
    [session, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
