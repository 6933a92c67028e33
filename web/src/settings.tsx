// The installation's settings (GET /api/settings): its currency and date format, asked once a
// user is signed in and handed to format.ts before any page draws, so every day and amount on
// every page is shown their way. An admin's change (the Settings page) redraws every page.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from './api.ts';
import { ErrorAlert, Loading } from './feedback.tsx';
import { showWith } from './format.ts';
import type { DateFormat } from '../../src/app/settings/days.ts';

/** The settings as GET /api/settings answers them. */
export interface AppSettings {
  currency: string;
  dateFormat: DateFormat;
  updatedAt: string;
  /** The date formats an admin may choose. */
  dateFormats: DateFormat[];
  /** The ISO 4217 codes an admin may choose. */
  currencies: string[];
}

interface SettingsState {
  settings: AppSettings;
  /** Shows every page with the settings the API answered a change with. */
  changed(settings: AppSettings): void;
}

const SettingsContext = createContext<SettingsState | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<AppSettings | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    api<AppSettings>('GET', '/api/settings').then((s) => {
      showWith(s);
      setSettings(s);
    }, setError);
  }, []);
  const changed = useCallback((s: AppSettings) => {
    showWith(s);
    setSettings(s);
  }, []);
  const value = useMemo(() => (settings ? { settings, changed } : null), [settings, changed]);
  if (error !== undefined) return <ErrorAlert error={error} />;
  if (!value) return <Loading />;
  // Keyed by what the pages show, so that a change draws every page again with it.
  return (
    <SettingsContext.Provider value={value} key={`${value.settings.currency} ${value.settings.dateFormat}`}>
      {children}
    </SettingsContext.Provider>
  );
}

export function useSettings(): SettingsState {
  const state = useContext(SettingsContext);
  if (!state) throw new Error('useSettings outside SettingsProvider');
  return state;
}
