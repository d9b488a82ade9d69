// The route table: every route the API serves, declared as data.
import { AGENT_ROUTES } from './agent';
import { EVENT_ROUTES } from './events';
import { SAFETY_ROUTES } from './safety';
import { SYSTEM_ROUTES } from './system';
import { TASK_ROUTES } from './tasks';
import type { Route } from './types';

export const ROUTES: readonly Route[] = Object.freeze([...SYSTEM_ROUTES, ...EVENT_ROUTES, ...AGENT_ROUTES, ...TASK_ROUTES, ...SAFETY_ROUTES]);
export { matchPath } from './types';
export type { Route, RouteContext } from './types';
