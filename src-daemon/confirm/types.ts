// What a confirmation asks and the answers it can get.

export interface ConfirmRequest {
  capability: string;
  /** The exact arguments that will run, shown to the person. */
  args: Record<string, unknown>;
  /** The requesting app's name, as it paired. */
  app: string;
  risk: string;
  reason: string | null;
  /** Seconds before an unanswered dialog counts as 'timeout'. */
  timeoutS: number;
}

/** Only 'yes' lets a command run. */
export type ConfirmAnswer = 'yes' | 'no' | 'timeout' | 'no_display' | 'unavailable';
