// Sign-in: a one-time code (from the printed link's fragment) is exchanged for the API token.
import { z } from 'zod';

export const SessionExchange = z.strictObject({
  code: z.string().min(16).max(128),
});
export type SessionExchange = z.infer<typeof SessionExchange>;

export const SessionToken = z.object({ token: z.string() });
export type SessionToken = z.infer<typeof SessionToken>;
