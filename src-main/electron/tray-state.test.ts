// Checks the tray's state, words and icon for every combination the core can report.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_STATES, trayIconFile, trayStateOf, trayStatusText, type CoreReport } from './tray-state';

const report = (over: Partial<CoreReport> = {}): CoreReport => ({ connected: true, runningTasks: 0, pendingApprovals: 0, killSwitch: false, ...over });

describe('trayStateOf', () => {
  it.each<[string, Partial<CoreReport>, string]>([
    ['nothing to do', {}, 'idle'],
    ['a task running', { runningTasks: 1 }, 'working'],
    ['an approval waiting', { pendingApprovals: 1 }, 'approval'],
    ['an approval waiting while tasks run', { runningTasks: 3, pendingApprovals: 2 }, 'approval'],
    ['the kill switch on', { killSwitch: true }, 'paused'],
    ['the kill switch on with tasks held', { killSwitch: true, runningTasks: 2 }, 'paused'],
    ['an approval waiting under the kill switch', { killSwitch: true, pendingApprovals: 1 }, 'approval'],
    ['the core unreachable, whatever the last counts', { connected: false, pendingApprovals: 4, runningTasks: 2, killSwitch: true }, 'offline'],
  ])('is right for %s', (_label, over, expected) => {
    expect(trayStateOf(report(over))).toBe(expected);
  });
});

describe('trayStatusText', () => {
  it('says the state with its counts, singular and plural', () => {
    expect(trayStatusText(report())).toBe('Jarvis: idle');
    expect(trayStatusText(report({ runningTasks: 1 }))).toBe('Jarvis: working on 1 task');
    expect(trayStatusText(report({ runningTasks: 3 }))).toBe('Jarvis: working on 3 tasks');
    expect(trayStatusText(report({ pendingApprovals: 1 }))).toBe('Jarvis: 1 approval waiting for you');
    expect(trayStatusText(report({ pendingApprovals: 2 }))).toBe('Jarvis: 2 approvals waiting for you');
    expect(trayStatusText(report({ killSwitch: true }))).toBe('Jarvis: paused by the kill switch');
    expect(trayStatusText(report({ killSwitch: true, runningTasks: 2 }))).toBe('Jarvis: paused by the kill switch (2 tasks held)');
    expect(trayStatusText(report({ connected: false }))).toBe('Jarvis: cannot reach its core');
  });
});

describe('trayIconFile', () => {
  it('names a distinct icon, at both densities, that exists in build/icons for every state', () => {
    const icons = path.resolve(__dirname, '..', '..', 'build', 'icons');
    const files = TRAY_STATES.map(trayIconFile);
    expect(new Set(files).size).toBe(TRAY_STATES.length);
    for (const file of files) {
      expect(fs.existsSync(path.join(icons, file)), file).toBe(true);
      expect(fs.existsSync(path.join(icons, file.replace(/\.png$/, '@2x.png'))), file).toBe(true);
    }
  });
});
