// "Verify chain": asks the server to re-hash the whole audit trail and says whether it is intact.
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { shortHash, formatTimestamp } from './format';
import type { AuditStore, VerifyState } from './store';
import './audit.css';

function describe(verify: VerifyState): { tone: 'ok' | 'bad' | 'muted'; text: string } {
  switch (verify.kind) {
    case 'idle':
      return { tone: 'muted', text: 'Not checked yet on this page.' };
    case 'running':
      return { tone: 'muted', text: 'Checking every row’s hash…' };
    case 'failed':
      return { tone: 'bad', text: `Could not verify: ${verify.message}` };
    case 'done': {
      const r = verify.result;
      const at = formatTimestamp(r.checked_at);
      if (r.ok) {
        const checkpoint = r.checkpoint ? `, matches the checkpoint of ${r.checkpoint.count} rows` : '';
        return { tone: 'ok', text: `Chain intact: ${r.rows} rows, head ${shortHash(r.head_hash)}${checkpoint} (checked ${at}).` };
      }
      const brokenId = r.broken?.id ?? null;
      const where = brokenId === null ? '' : ` at row #${brokenId}`;
      const reason = r.broken ? ` [${r.broken.reason}]: ${r.broken.message}` : '';
      return { tone: 'bad', text: `Chain broken${where}${reason} (${r.rows} rows checked ${at}).` };
    }
    default: {
      const never: never = verify;
      return never;
    }
  }
}

export function ChainStatus({ store, api }: { store: AuditStore; api: ApiClient }) {
  const verify = useStore(store, (s) => s.verify);
  const running = verify.kind === 'running';
  const { tone, text } = describe(verify);
  return (
    <section className="panel chain" aria-labelledby="chain-title">
      <h2 id="chain-title">Audit chain</h2>
      {/* aria-disabled rather than disabled: a disabled button drops keyboard focus mid-check. */}
      <button
        type="button"
        onClick={() => void store.getState().runVerify(api.verify)}
        aria-disabled={running}
        aria-busy={running}
        aria-describedby="verify-result"
      >
        {running ? 'Verifying…' : 'Verify chain'}
      </button>
      <p
        id="verify-result"
        className={`verify-result tone-${tone}`}
        role="status"
        data-testid="verify-result"
        data-state={verify.kind === 'done' ? (verify.result.ok ? 'ok' : 'broken') : verify.kind}
      >
        {text}
      </p>
    </section>
  );
}
