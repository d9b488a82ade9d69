// http_request as a tool: the guarded HTTP client with the person's allow-list, its refusals reported as permission errors.
import { ToolRunError } from '../executor';
import type { ToolDefinition } from '../types';
import { HTTP_REQUEST_DEFAULTS, httpRequest, HttpRequestFailed, HttpRequestInput, HttpRequestOutput, httpRequestPreview, HttpRequestRefused } from './http-request';

export function httpRequestTool(allowlist: readonly string[]): ToolDefinition {
  return {
    name: 'http_request',
    version: '1.0.0',
    description: 'Makes an HTTP(S) request. Loopback, private, link-local and metadata addresses are refused unless allow-listed.',
    input: HttpRequestInput,
    output: HttpRequestOutput,
    permissions: { network: true, filesystem: false, system: false, external_api: false },
    risk: 'low',
    idempotent: false,
    runner: {
      kind: 'inline',
      run: async (raw, ctx) => {
        try {
          return await httpRequest(HttpRequestInput.parse(raw), { ...HTTP_REQUEST_DEFAULTS, allowlist: [...allowlist] }, ctx.signal);
        } catch (err) {
          if (err instanceof HttpRequestRefused) {
            throw new ToolRunError('permission_denied', err.message, { code: err.code, host: err.host, address: err.address ?? null, range: err.range ?? null });
          }
          if (err instanceof HttpRequestFailed) throw new ToolRunError(err.code === 'timeout' ? 'timeout' : err.code === 'aborted' ? 'aborted' : 'tool_error', err.message, { code: err.code });
          throw err;
        }
      },
    },
    source: 'builtin',
    review: 'none',
    preview: (input) => ({ ...httpRequestPreview(HttpRequestInput.parse(input)) }),
  };
}
