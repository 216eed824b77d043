/** React access to the session and its store (one per app instance, passed down, never global). */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Session } from './session';
import type { AtlasState } from './state/store';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext.Provider>');
  return session;
}

/** Subscribe to one slice of the state; return primitives or stable references (zustand 5). */
export function useAtlas<T>(selector: (s: AtlasState) => T): T {
  return useStore(useSession().store, selector);
}
