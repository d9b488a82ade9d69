// Identifiers: random ids for traces and one-time secrets.
import crypto from 'node:crypto';

export const newId = (): string => crypto.randomUUID();
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');
