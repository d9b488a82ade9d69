// Hash routes: every screen's address, the sign-in fragment left to Home, and anything else named as not found.
import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './router';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { page: 'home' }],
    ['#', { page: 'home' }],
    ['#/', { page: 'home' }],
    ['#signin=abcdefghijklmnop', { page: 'home' }],
    ['#/approvals', { page: 'approvals', approvalId: null }],
    ['#/approvals/ab12', { page: 'approvals', approvalId: 'ab12' }],
    ['#/tasks/1b2c-3d', { page: 'task', taskId: '1b2c-3d' }],
    ['#/tasks/a%20b', { page: 'task', taskId: 'a b' }],
    ['#/audit?trace=x', { page: 'audit' }],
    ['#/tools', { page: 'tools' }],
    ['#/workflows', { page: 'workflows' }],
    ['#/settings', { page: 'settings' }],
    ['#/quick-goal', { page: 'quick_goal' }],
    ['#/quick-goal?signin=abc', { page: 'quick_goal' }],
    ['#/tasks/%E0%A4%A', { page: 'not_found', path: '/tasks/%E0%A4%A' }],
    ['#/nowhere', { page: 'not_found', path: '/nowhere' }],
    ['#/tools/extra', { page: 'not_found', path: '/tools/extra' }],
    ['#/tasks/a/b', { page: 'not_found', path: '/tasks/a/b' }],
  ])('%j is %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('writes addresses that read back as the same route', () => {
    const routes: Route[] = [{ page: 'home' }, { page: 'approvals', approvalId: 'x y' }, { page: 'task', taskId: 't/1' }, { page: 'settings' }, { page: 'quick_goal' }];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });
});
