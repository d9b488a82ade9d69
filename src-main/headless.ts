// `jarvis serve`: the core, the API and the built renderer in plain Node, until SIGINT/SIGTERM.
import { startJarvis } from './main';

export interface ServeOptions {
  /** Why the desktop app is not used, said to the person (npm start passes this). */
  reason?: string;
}

export async function serve(options: ServeOptions = {}): Promise<void> {
  const jarvis = await startJarvis({ mode: 'headless' });
  const lines = [
    options.reason ? `Jarvis is running headless: ${options.reason}` : 'Jarvis is running headless.',
    `  Dashboard and API: ${jarvis.url}/`,
    `  Sign in (one-time link, valid 10 minutes): ${jarvis.createSignInUrl()}`,
    `  Data folder: ${jarvis.home}`,
    '  Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
  const shutdown = (signal: string) => {
    console.log(`\n${signal} received: stopping Jarvis…`);
    jarvis.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Jarvis did not stop cleanly:', (err as Error).message);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
