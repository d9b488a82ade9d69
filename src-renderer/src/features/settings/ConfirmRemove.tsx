// A two-step remove for one stored record: "Delete…" first, then the named confirm (focused) or "Keep it".
import { useEffect, useRef } from 'react';

export interface ConfirmRemoveProps {
  /** The record's name, shown on the confirm button so the person sees what goes. */
  name: string;
  /** The verb on the buttons: "Delete" or "Remove". */
  verb: 'Delete' | 'Remove';
  confirming: boolean;
  /** Another action on this record is running; the confirm then does nothing. */
  busy: boolean;
  /** This very removal is running. */
  removing: boolean;
  onAsk(): void;
  onKeep(): void;
  onConfirm(): void;
  /** Test ids of the first and the confirming button. */
  askTestId: string;
  confirmTestId: string;
}

export function ConfirmRemove(props: ConfirmRemoveProps) {
  const confirmButton = useRef<HTMLButtonElement>(null);
  // Focus moves to the named confirm, so a keyboard user sees and answers exactly this question.
  useEffect(() => {
    if (props.confirming) confirmButton.current?.focus();
  }, [props.confirming]);
  if (!props.confirming) {
    return (
      <button type="button" className="link-button" onClick={props.onAsk} data-testid={props.askTestId}>
        {props.verb}…
      </button>
    );
  }
  const doing = props.verb === 'Delete' ? 'Deleting…' : 'Removing…';
  return (
    <span role="group" aria-label={`Confirm ${props.verb === 'Delete' ? 'deleting' : 'removing'} ${props.name}`} className="fx-actions">
      <button type="button" ref={confirmButton} className="fx-danger" aria-disabled={props.busy} onClick={props.onConfirm} data-testid={props.confirmTestId}>
        {props.removing ? doing : `${props.verb} ${props.name}`}
      </button>
      <button type="button" className="link-button" onClick={props.onKeep}>
        Keep it
      </button>
    </span>
  );
}
