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
  /** The margin every process aims at unless it sets its own, in percent ("15.00"). */
  targetMargin: string;
  updatedAt: string;
  /** The date formats an admin may choose. */
  dateFormats: DateFormat[];
  /** The ISO 4217 codes an admin may choose. */
  currencies: string[];
}

interface SettingsState {
  settings: AppSettings;
  /** What the last change made here said (kept while every page is drawn again), '' before one. */
  saved: string;
  /** Shows every page with the settings the API answered a change with, and says `saved`. */
  changed(settings: AppSettings, saved: string): void;
}

const SettingsContext = createContext<SettingsState | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<AppSettings | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    api<AppSettings>('GET', '/api/settings').then((s) => {
      showWith(s);
      setSettings(s);
    }, setError);
  }, []);
  const changed = useCallback((s: AppSettings, message: string) => {
    showWith(s);
    setSettings(s);
    setSaved(message);
  }, []);
  const value = useMemo(() => (settings ? { settings, saved, changed } : null), [settings, saved, changed]);
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
