// Home devices: Home Assistant and MQTT connections with write-only secrets and tests, allow-lists, critical marks, and health read live while open.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { AreaField, Outcome, TextField } from '../../llm/fields';
import type { SectionProps } from '../../settings/sections';
import { homeApi } from './api';
import { createHomeStore, describeAdapter, type HomeStore, type Outcome as Result, type Part, type Target } from './store';
import './devices.css';

/** Health and the entity list change by themselves; they are read again this often while the screen is open. */
const REFRESH_MS = 3000;

const tone = (o: Result) => (o.status === 'failed' ? 'bad' : o.status === 'ok' ? 'ok' : 'muted');

function PartForm({ store, part, title, children, test }: { store: HomeStore; part: Part; title: string; children: ReactNode; test?: Target }) {
  const save = useStore(store, (s) => s.saves[part]);
  const tested = useStore(store, (s) => (test ? s.tests[test] : null));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().save(part);
  };
  return (
    <form className="hd-form fx-grid" aria-label={title} onSubmit={submit} noValidate data-testid={`home-form-${part}`}>
      <h4 className="small-heading fx-wide">{title}</h4>
      {children}
      <div className="fx-actions fx-wide">
        <button type="submit" aria-disabled={save.status === 'busy'} data-testid={`home-save-${part}`}>
          {save.status === 'busy' ? 'Waiting for the daemon…' : 'Save'}
        </button>
        {test && (
          <button type="button" className="fx-secondary" aria-disabled={tested?.status === 'busy'} onClick={() => void store.getState().test(test)} data-testid={`home-test-${test}`}>
            {tested?.status === 'busy' ? 'Testing…' : 'Test connection'}
          </button>
        )}
      </div>
      <div className="fx-wide">
        <Outcome tone={tone(save)} text={save.message} testId={`home-save-message-${part}`} />
        {tested && <Outcome tone={tone(tested)} text={tested.message} testId={`home-test-result-${test ?? ''}`} />}
      </div>
    </form>
  );
}

function Health({ store }: { store: HomeStore }) {
  const view = useStore(store, (s) => s.view);
  const status = view?.status ?? null;
  const link = view?.link ?? null;
  return (
    <div className="hd-health" aria-live="polite" data-testid="home-health">
      <p className="small" data-testid="home-health-ha" data-connected={status?.ha.connected ? 'yes' : 'no'}>
        <span className={`hd-dot ${status?.ha.connected ? 'hd-dot-ok' : status?.ha.configured ? 'hd-dot-bad' : ''}`} aria-hidden="true" /> {describeAdapter(status?.ha ?? null, 'Home Assistant')}
        {status?.ha.configured ? ` ${status.ha.entities} entities.` : ''}
      </p>
      <p className="small" data-testid="home-health-mqtt" data-connected={status?.mqtt.connected ? 'yes' : 'no'}>
        <span className={`hd-dot ${status?.mqtt.connected ? 'hd-dot-ok' : status?.mqtt.configured ? 'hd-dot-bad' : ''}`} aria-hidden="true" /> {describeAdapter(status?.mqtt ?? null, 'MQTT')}
      </p>
      <p className="small muted">
        {view === null
          ? 'Checking…'
          : !view.paired
            ? 'No daemon is paired: home settings live on the daemon. Pair one in the Daemon section above.'
            : link
              ? `Daemon link ${link.connected ? 'open' : 'closed'}; ${link.events_received} events received${link.last_error ? `; last problem: ${link.last_error}` : ''}.`
              : 'The daemon has not reported yet.'}
      </p>
    </div>
  );
}

function Entities({ store }: { store: HomeStore }) {
  const entities = useStore(store, (s) => s.entities);
  const query = useStore(store, (s) => s.entityQuery);
  const critical = useStore(store, (s) => s.forms.critical);
  return (
    <PartForm store={store} part="critical" title="Entities and critical marks">
      <div className="fx-wide">
        <TextField label="Find an entity" testId="home-entity-query" value={query} onChange={(q) => void store.getState().setEntityQuery(q)} hint="Critical ones need both an approval here and the daemon owner’s confirmation, at any autonomy." />
      </div>
      <ul className="hd-entities fx-wide" aria-label="Entities">
        {entities.length === 0 && <li className="muted small">No entities reported yet.</li>}
        {entities.map((e) => (
          <li key={e.entity_id} data-testid="home-entity" data-entity={e.entity_id} data-allowed={e.allowed ? 'yes' : 'no'}>
            <label className="hd-entity">
              <input type="checkbox" checked={critical.includes(e.entity_id)} onChange={() => store.getState().toggleCritical(e.entity_id)} data-testid={`home-critical-${e.entity_id}`} />
              <span>
                <code>{e.entity_id}</code> {e.name !== e.entity_id && <span>{e.name}</span>} <span className="muted small">{e.area ? `${e.area} · ` : ''}{e.state}</span>
              </span>
              <span className={`small ${e.allowed ? 'tone-ok' : 'muted'}`}>{e.allowed ? 'may be acted on' : 'not allowed'}</span>
            </label>
          </li>
        ))}
      </ul>
      <p className="small muted fx-wide">Marked critical: {critical.length ? critical.join(', ') : 'none'}.</p>
    </PartForm>
  );
}

export function HomeDevicesPanel({ api }: SectionProps) {
  const [store] = useState(() => createHomeStore(homeApi(api)));
  const forms = useStore(store, (s) => s.forms);
  const status = useStore(store, (s) => s.view?.status ?? null);
  const error = useStore(store, (s) => s.error);
  const edit = store.getState().edit;
  useEffect(() => {
    void store.getState().refresh();
    const timer = setInterval(() => void store.getState().refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [store]);
  return (
    <div className="hd-panel" data-testid="home-panel">
      <Health store={store} />
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="home-error" slim />
      <PartForm store={store} part="ha" title="Home Assistant" test="ha">
        <div className="fx-wide">
          <TextField label="Home Assistant address" type="url" testId="home-ha-url" value={forms.ha.url} onChange={(url) => edit('ha', { url })} hint="Its http(s):// or ws(s):// address; empty turns it off." placeholder="http://homeassistant.local:8123" />
        </div>
        <TextField label="Access token" type="password" testId="home-ha-token" value={forms.ha.token} onChange={(token) => edit('ha', { token })} hint={status?.ha.has_token ? 'A token is stored; typing one replaces it. It is never shown.' : 'A long-lived access token; sealed to the daemon’s key.'} placeholder={status?.ha.has_token ? '•••••••• (stored)' : ''} />
        <AreaField label="Watch" testId="home-ha-watch" value={forms.ha.watch} onChange={(watch) => edit('ha', { watch })} hint="Entities whose changes reach Jarvis: ids, light.* or *." rows={2} />
      </PartForm>
      <PartForm store={store} part="mqtt" title="MQTT broker" test="mqtt">
        <div className="fx-wide">
          <TextField label="Broker address" type="url" testId="home-mqtt-url" value={forms.mqtt.url} onChange={(url) => edit('mqtt', { url })} hint="mqtt:// or mqtts://; empty turns it off." placeholder="mqtt://127.0.0.1:1883" />
        </div>
        <TextField label="User name" testId="home-mqtt-username" value={forms.mqtt.username} onChange={(username) => edit('mqtt', { username })} hint="Empty for none." />
        <TextField label="Password" type="password" testId="home-mqtt-password" value={forms.mqtt.password} onChange={(password) => edit('mqtt', { password })} hint={status?.mqtt.has_password ? 'A password is stored; typing one replaces it.' : 'Sealed to the daemon’s key; never shown.'} placeholder={status?.mqtt.has_password ? '•••••••• (stored)' : ''} />
        <div className="fx-wide">
          <AreaField label="Subscriptions" testId="home-mqtt-topics" value={forms.mqtt.topics} onChange={(topics) => edit('mqtt', { topics })} hint="One topic filter per line (+ a level, # the rest); QoS 1, JSON." rows={3} />
        </div>
      </PartForm>
      <PartForm store={store} part="allow" title="What Jarvis may do">
        <AreaField label="Call services on" testId="home-allow-call_service" value={forms.allow.call_service} onChange={(call_service) => edit('allow', { call_service })} hint="Entity ids or light.*; one per line." rows={3} />
        <AreaField label="Read the state of" testId="home-allow-get_state" value={forms.allow.get_state} onChange={(get_state) => edit('allow', { get_state })} hint="Entity ids or patterns." rows={3} />
        <div className="fx-wide">
          <AreaField label="Publish to" testId="home-allow-publish" value={forms.allow.publish} onChange={(publish) => edit('allow', { publish })} hint="MQTT topics or filters; one per line." rows={2} />
        </div>
      </PartForm>
      <Entities store={store} />
    </div>
  );
}
