// The integrations and settings screen: one section per area from SETTINGS_SECTIONS, with a contents list to jump between them.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { settingsApi } from './api';
import { SETTINGS_SECTIONS, type SettingsSection } from './sections';
import { createSettingsStore, type SettingsStore } from './store';
import './settings.css';

export interface SettingsPageProps {
  api: ApiClient;
  navigate: (route: string) => void;
}

const headingId = (section: SettingsSection) => `settings-${section.id}-title`;

/** Moves focus to a section's heading; in-page links would change the hash, which is the page's route. */
function jumpTo(section: SettingsSection): void {
  const heading = document.getElementById(headingId(section));
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus();
}

function Section({ section, store, api, navigate }: { section: SettingsSection; store: SettingsStore; api: ApiClient; navigate: (route: string) => void }) {
  const { Panel } = section;
  return (
    <section className="panel st-section" aria-labelledby={headingId(section)} data-testid={`settings-${section.id}`} data-ready={Panel ? 'yes' : 'no'}>
      <div className="st-section-head">
        <h3 id={headingId(section)} tabIndex={-1}>
          {section.title}
        </h3>
        {!Panel && <span className="st-badge st-badge-not_set_up">Not set up yet</span>}
      </div>
      <p className="muted small st-summary">{section.summary}</p>
      {Panel ? <Panel store={store} api={api} navigate={navigate} /> : <p className="st-upcoming">{section.upcoming ?? 'Not set up yet.'}</p>}
    </section>
  );
}

export function SettingsPage({ api, navigate }: SettingsPageProps) {
  const [store] = useState(() => createSettingsStore(settingsApi(api)));
  const error = useStore(store, (s) => s.error);
  const status = useStore(store, (s) => s.status);

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  return (
    <section className="st-page" aria-labelledby="st-title" data-testid="page-settings" aria-busy={status === 'loading'}>
      <div className="st-head">
        <h2 id="st-title">Integrations and settings</h2>
        <button type="button" className="link-button" onClick={() => void store.getState().load()}>
          Refresh
        </button>
      </div>
      <p className={error ? 'notice st-error' : 'st-error'} role={error ? 'alert' : undefined} data-testid="settings-error">
        {error ? `Could not load everything: ${error}` : ''}
      </p>
      <div className="st-body">
        <nav className="st-contents" aria-label="Settings sections">
          <ul>
            {SETTINGS_SECTIONS.map((section) => (
              <li key={section.id}>
                <button type="button" className="st-jump" onClick={() => jumpTo(section)}>
                  <span>{section.title}</span>
                  {!section.Panel && <span className="muted small">not set up</span>}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="st-sections">
          {SETTINGS_SECTIONS.map((section) => (
            <Section key={section.id} section={section} store={store} api={api} navigate={navigate} />
          ))}
        </div>
      </div>
    </section>
  );
}
