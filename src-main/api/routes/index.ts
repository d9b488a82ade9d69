// The route table: every route the API serves, declared as data.
import { AGENT_ROUTES } from './agent';
import { EVENT_ROUTES } from './events';
import { SYSTEM_ROUTES } from './system';
import { TASK_ROUTES } from './tasks';
import type { Route } from './types';

export const ROUTES: readonly Route[] = Object.freeze([...SYSTEM_ROUTES, ...EVENT_ROUTES, ...AGENT_ROUTES, ...TASK_ROUTES]);
export { matchPath } from './types';
export type { Route, RouteContext } from './types';
