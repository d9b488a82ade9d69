// The settings screen as data: one entry per area, in order. A feature that arrives adds its Panel to its entry (or a new entry).
import type { ComponentType } from 'react';
import type { ApiClient } from '../../lib/api';
import { LlmPanel } from '../llm/LlmPanel';
import { McpPanel } from '../mcp/McpPanel';
import { RulesPanel } from '../rules/RulesPanel';
import { SchedulesPanel } from '../schedules/SchedulesPanel';
import { MemoryPanel } from '../memory/MemoryPanel';
import { HomeDevicesPanel } from '../home/devices/HomeDevicesPanel';
import { DaemonPanel, InstallPanel } from './panels';
import type { SettingsStore } from './store';

export interface SectionProps {
  store: SettingsStore;
  api: ApiClient;
  navigate: (route: string) => void;
}

export interface SettingsSection {
  id: string;
  title: string;
  /** One line on what the area is for. */
  summary: string;
  /** The area's own controls; without one the section says plainly that it is not set up yet. */
  Panel?: ComponentType<SectionProps>;
  /** For an area not set up yet: what it will hold once it arrives. */
  upcoming?: string;
}

export const SETTINGS_SECTIONS: readonly SettingsSection[] = Object.freeze([
  { id: 'daemon', title: 'Daemon', summary: 'The separate, privileged program that acts on this desktop: apps, screenshots, files, scripts.', Panel: DaemonPanel },
  { id: 'install', title: 'This install', summary: 'The version that runs and where its data lives.', Panel: InstallPanel },
  {
    id: 'llm',
    title: 'Language model',
    summary: 'The model Jarvis asks about requests its built-in intents do not understand.',
    Panel: LlmPanel,
  },
  {
    id: 'memory',
    title: 'Memory',
    summary: 'What Jarvis remembers between requests, searchable by meaning and by words.',
    Panel: MemoryPanel,
  },
  {
    id: 'mcp',
    title: 'MCP servers',
    summary: 'Tools other programs offer over the Model Context Protocol.',
    Panel: McpPanel,
  },
  {
    id: 'iot',
    title: 'Home devices',
    summary: 'Home Assistant and MQTT: devices Jarvis may watch and act on.',
    Panel: HomeDevicesPanel,
  },
  {
    id: 'schedules',
    title: 'Schedules',
    summary: 'Goals and reminders that run at set times.',
    Panel: SchedulesPanel,
  },
  {
    id: 'rules',
    title: 'Rules',
    summary: 'When an event matches, do something: the router’s rules stage.',
    Panel: RulesPanel,
  },
] satisfies SettingsSection[]);
