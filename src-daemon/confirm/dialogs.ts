// Per-OS native dialogs as argv plans (zenity, kdialog, osascript, PowerShell), how each exit reads as an answer, and showing one under a deadline.
import { findProgram, runProcess, type ProcessResult } from '../capabilities/process';
import type { ConfirmAnswer } from './types';

export interface DialogPlan {
  program: string;
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The dialog is killed after this long (and the answer is 'timeout'), even if it ignores its own timeout. */
  killAfterMs: number;
  /** Reads a dialog that ended by itself. */
  interpret(res: ProcessResult): ConfirmAnswer;
}

export interface DialogInput {
  title: string;
  text: string;
  timeoutS: number;
}

const DIALOG_OUTPUT_BYTES = 16 * 1024;

/** Grace past a dialog's own timeout before it is killed: a hung dialog must not hold a command for ever. */
export const KILL_GRACE_S = 5;

/** zenity: 0 Allow, 1 Deny or closed, 5 its own timeout; a display it cannot open also exits 1, told apart by its message. */
export function zenityAnswer(res: ProcessResult): ConfirmAnswer {
  switch (res.code) {
    case 0:
      return 'yes';
    case 1:
      return /cannot open display/i.test(res.stderr) ? 'no_display' : 'no';
    case 5:
      return 'timeout';
    default:
      return 'unavailable';
  }
}

/** kdialog: 0 Allow, 1 Deny; it has no timeout of its own (the kill gives 'timeout'). */
export function kdialogAnswer(res: ProcessResult): ConfirmAnswer {
  if (res.code === 0) return 'yes';
  if (res.code === 1) return 'no';
  return 'unavailable';
}

/** osascript prints "button returned:Allow, gave up:false"; Deny is the cancel button, which fails with -128 (user cancelled). */
export function osascriptAnswer(res: ProcessResult): ConfirmAnswer {
  if (res.code === 0) {
    if (/gave up:\s*true/.test(res.stdout)) return 'timeout';
    if (/button returned:\s*Allow\b/.test(res.stdout)) return 'yes';
    return 'no';
  }
  if (res.code === 1 && /-128/.test(res.stderr)) return 'no';
  return 'unavailable';
}

/** The PowerShell script exits 0 for Yes and 1 for No. */
export function powershellAnswer(res: ProcessResult): ConfirmAnswer {
  if (res.code === 0) return 'yes';
  if (res.code === 1) return 'no';
  return 'unavailable';
}

const OSASCRIPT = [
  'on run argv',
  // Text and title arrive as arguments, never spliced into the script.
  'display dialog (item 1 of argv) with title (item 2 of argv) buttons {"Deny", "Allow"} default button "Deny" cancel button "Deny" with icon caution giving up after ((item 3 of argv) as integer)',
  'end run',
];

/** Text and title travel in environment variables, so no quoting is involved; "No" is the default button. */
const POWERSHELL = [
  'Add-Type -AssemblyName System.Windows.Forms',
  '$owner = New-Object System.Windows.Forms.Form -Property @{ TopMost = $true }',
  "$r = [System.Windows.Forms.MessageBox]::Show($owner, $env:JARVIS_CONFIRM_TEXT, $env:JARVIS_CONFIRM_TITLE, 'YesNo', 'Warning', 'Button2')",
  "if ($r -eq 'Yes') { exit 0 } else { exit 1 }",
].join('\n');

function unixDialog(input: DialogInput, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): DialogPlan | ConfirmAnswer {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no_display';
  const zenity = findProgram('zenity', env, platform);
  if (zenity) {
    return {
      program: 'zenity',
      file: zenity,
      // --no-markup: the text is shown as is, never read as Pango markup.
      args: ['--question', '--no-markup', '--title', input.title, '--text', input.text, '--timeout', String(input.timeoutS), '--ok-label', 'Allow', '--cancel-label', 'Deny', '--width', '560'],
      env,
      killAfterMs: (input.timeoutS + KILL_GRACE_S) * 1000,
      interpret: zenityAnswer,
    };
  }
  const kdialog = findProgram('kdialog', env, platform);
  if (kdialog) {
    return {
      program: 'kdialog',
      file: kdialog,
      // The text's first line is fixed plain words, so Qt's rich-text guess (made on that line) stays plain.
      args: ['--title', input.title, '--yes-label', 'Allow', '--no-label', 'Deny', '--yesno', input.text],
      env,
      killAfterMs: input.timeoutS * 1000,
      interpret: kdialogAnswer,
    };
  }
  return 'unavailable';
}

/** The dialog for this OS, or the answer when none can be shown. */
export function dialogFor(input: DialogInput, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): DialogPlan | ConfirmAnswer {
  switch (platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
    case 'netbsd':
      return unixDialog(input, env, platform);
    case 'darwin':
      return {
        program: 'osascript',
        file: findProgram('osascript', env, platform) ?? '/usr/bin/osascript',
        args: [...OSASCRIPT.flatMap((line) => ['-e', line]), input.text, input.title, String(input.timeoutS)],
        env,
        killAfterMs: (input.timeoutS + KILL_GRACE_S) * 1000,
        interpret: osascriptAnswer,
      };
    case 'win32': {
      const ps = findProgram('powershell.exe', env, platform);
      if (!ps) return 'unavailable';
      return {
        program: 'powershell',
        file: ps,
        args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(POWERSHELL, 'utf16le').toString('base64')],
        env: { ...env, JARVIS_CONFIRM_TEXT: input.text, JARVIS_CONFIRM_TITLE: input.title },
        // MessageBox has no timeout of its own.
        killAfterMs: input.timeoutS * 1000,
        interpret: powershellAnswer,
      };
    }
    case 'aix':
    case 'android':
    case 'haiku':
    case 'sunos':
    case 'cygwin':
      return 'unavailable';
    default: {
      const unknown: never = platform;
      return unknown;
    }
  }
}

/** Shows one dialog and reads its answer; a dialog still open at killAfterMs is killed and counts as 'timeout'. */
export async function runDialog(plan: DialogPlan): Promise<ConfirmAnswer> {
  const res = await runProcess({ file: plan.file, args: plan.args, env: plan.env, timeoutMs: plan.killAfterMs, maxOutputBytes: DIALOG_OUTPUT_BYTES });
  if (res.spawnError !== null) return 'unavailable';
  if (res.timedOut) return 'timeout';
  // A dialog that said more than any dialog says was not answered by the person.
  if (res.truncated) return 'unavailable';
  return plan.interpret(res);
}
