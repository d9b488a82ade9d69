// The installers cannot be built here, so their configuration is checked with electron-builder's own code: schema, targets, fuses, files; and the bundled daemon is built and started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
// The package's entry first: its modules import each other in a cycle that only resolves from there.
import { PlatformPackager, type Configuration } from 'app-builder-lib';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { parsePlistFile } from 'app-builder-lib/out/util/plist';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createDaemonSupervisor, nodeDaemonSpawner, probeDaemon } from '../../src-main/supervisor';
import { REPO } from '../helpers/jarvis-process';

const CONFIG_FILE = path.join(REPO, 'build', 'electron-builder.yml');
const WORKFLOW_FILE = path.join(REPO, '.github', 'workflows', 'release.yml');

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(REPO, CONFIG_FILE, null);
});

/** Whether electron-builder's own `files`/`extraResources`/`asarUnpack` matcher takes a file (relative to the project). */
function matches(name: 'files' | 'extraResources' | 'asarUnpack', relative: string): boolean {
  const matchers = getFileMatchers(config, name, '/dest', { macroExpander: (p) => p, customBuildOptions: {}, globalOutDir: path.join(REPO, 'dist'), defaultSrc: REPO });
  const file = path.join(REPO, relative);
  const stat = { isDirectory: () => false } as fs.Stats;
  return (matchers ?? []).some((matcher) => file.startsWith(`${matcher.from}${path.sep}`) && matcher.createFilter()(file, stat));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const targetsOf = (platform: { target?: unknown } | null | undefined): string[] =>
  ((platform?.target ?? []) as (string | { target: string })[]).map((t) => (typeof t === 'string' ? t : t.target));

describe('the electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is checked by a validator that does refuse a misspelt option', async () => {
    const misspelt = { ...structuredClone(config), electronFusez: { runAsNode: false } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/unknown property 'electronFusez'/);
    const misplaced = { ...structuredClone(config), mac: { ...config.mac, hardendRuntime: true } } as Configuration;
    await expect(validateConfiguration(misplaced, new DebugLogger(false))).rejects.toThrow(/configuration\.mac/);
  });

  it('builds every target: dmg and zip on macOS, NSIS on Windows, AppImage and deb on Linux', () => {
    expect(targetsOf(config.mac).sort()).toEqual(['dmg', 'zip']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
    expect(targetsOf(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe('Jarvis');
  });

  it('signs macOS with the hardened runtime and entitlement files that exist and grant only JIT', async () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    for (const key of ['entitlements', 'entitlementsInherit'] as const) {
      const file = config.mac?.[key];
      expect(typeof file).toBe('string');
      // electron-builder's own plist reader, as it reads them when signing.
      expect(await parsePlistFile(path.join(REPO, file ?? ''))).toEqual({ 'com.apple.security.cs.allow-jit': true });
    }
  });

  it('verifies Windows updates against the publisher and keeps the data folder on uninstall', () => {
    expect(config.win).toMatchObject({ verifyUpdateCodeSignature: true, signtoolOptions: { publisherName: ['Jarvis contributors'] } });
    expect(config.nsis).toMatchObject({ oneClick: false, deleteAppDataOnUninstall: false });
  });

  it('publishes to a generic https feed taken from the release environment', () => {
    const publish = (Array.isArray(config.publish) ? config.publish : [config.publish]) as { provider: string; url?: string }[];
    expect(publish[0]).toMatchObject({ provider: 'generic', url: '${env.JARVIS_UPDATE_FEED_URL}' });
  });

  it('rebuilds native modules for Electron and unpacks the ones loaded as shared libraries', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
    expect(matches('asarUnpack', 'node_modules/sqlite-vec-linux-x64/vec0.so')).toBe(true);
    expect(matches('asarUnpack', 'node_modules/zod/index.js')).toBe(false);
  });

  it('packs the app, the bundled daemon, its whitelist and the migrations, but no development addons', () => {
    for (const file of ['package.json', 'out/main/index.js', 'out/main/daemon.js', 'out/main/chunks/protocol-x.js', 'out/capabilities.json', 'out/preload/preload.js', 'out/renderer/index.html', 'capabilities.json', 'migrations/0001_init.sql']) {
      expect(matches('files', file), file).toBe(true);
    }
    for (const file of ['out/native/electron-45/better_sqlite3.node', 'src-main/main.ts', 'src-daemon/server.ts', 'tests/helpers/xvfb.ts', 'build/electron-builder.yml']) {
      expect(matches('files', file), file).toBe(false);
    }
  });

  it('ships every icon the app reads at run time outside the archive', () => {
    const icons = fs.readdirSync(path.join(REPO, 'build', 'icons')).filter((name) => name.endsWith('.png'));
    expect(icons).toEqual(expect.arrayContaining(['icon.png', 'tray.png', 'tray-approval.png', 'tray-working.png', 'tray-paused.png', 'tray-offline.png']));
    for (const icon of icons) expect(matches('extraResources', `build/icons/${icon}`), icon).toBe(true);
    expect(config.extraResources).toEqual([{ from: 'build/icons', to: 'icons', filter: ['*.png'] }]);
  });
});

describe('the fuses', () => {
  let binary = '';
  beforeAll(() => {
    // A stand-in binary carrying Electron's fuse wire (sentinel, version 1, 8 fuses) as Electron 45 ships it.
    binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-fuses-')), 'jarvis');
    const wire = Buffer.from([Number(FuseVersion.V1), 8, ...'10110001'.split('').map((bit) => bit.charCodeAt(0))]);
    fs.writeFileSync(binary, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), wire, Buffer.alloc(4096, 0x90)]));
  });
  afterAll(() => fs.rmSync(path.dirname(binary), { recursive: true, force: true }));

  it('are flipped as configured when electron-builder packs: no RunAsNode, NODE_OPTIONS or inspect; asar integrity and asar-only on', async () => {
    // The very function electron-builder calls right before signing, then the same @electron/fuses it uses.
    // (It is private in the typings; its body reads nothing but its argument.)
    const generate = Reflect.get(PlatformPackager.prototype, 'generateFuseConfig') as (fuses: unknown) => Promise<FuseConfig>;
    const fuseConfig = await generate.call(null, config.electronFuses ?? {});
    await flipFuses(binary, { ...fuseConfig, strictlyRequireAllFuses: true } as FuseConfig);
    const wire = await getCurrentFuseWire(binary);
    const state = (fuse: FuseV1Options): string => String.fromCharCode(Number(wire[fuse]));
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
  });
});

describe('the release workflow', () => {
  const workflow = parseYaml(fs.readFileSync(WORKFLOW_FILE, 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { 'runs-on': string; strategy?: { matrix: { include: { os: string; platform: string }[] } }; steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
  };

  it('runs on version tags', () => {
    expect(workflow.on).toMatchObject({ push: { tags: ['v*'] } });
  });

  it('builds each platform on its own OS, with electron-builder and this configuration', () => {
    const build = workflow.jobs['build'];
    expect(build?.['runs-on']).toBe('${{ matrix.os }}');
    const matrix = build?.strategy?.matrix.include ?? [];
    const byOs = Object.fromEntries(matrix.map((entry) => [entry.os.split('-')[0], entry.platform]));
    expect(byOs).toEqual({ macos: '--mac', windows: '--win', ubuntu: '--linux' });
    const runs = (build?.steps ?? []).map((step) => step.run ?? '');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs.some((run) => run.includes('electron-builder --config build/electron-builder.yml ${{ matrix.platform }}'))).toBe(true);
  });

  it('uploads every installer and update manifest, then drafts the release from all three', () => {
    const upload = workflow.jobs['build']?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    for (const kind of ['*.dmg', '*.zip', '*.exe', '*.AppImage', '*.deb', 'latest*.yml']) expect(upload?.with?.['path']).toContain(kind);
    const release = workflow.jobs['release'];
    expect(release).toMatchObject({ needs: 'build' });
    expect(release?.steps.some((step) => step.run?.includes('gh release create'))).toBe(true);
  });
});

describe('the bundled daemon', () => {
  let outRoot = '';
  beforeAll(() => {
    // The main build as `npm run build` makes it, into a scratch folder (node_modules linked beside it, as in the app).
    outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-bundle-'));
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(outRoot, 'node_modules'), 'dir');
    const configFile = path.join(outRoot, 'main-only.config.ts');
    fs.writeFileSync(
      configFile,
      [
        "import { mergeConfig } from 'vite';",
        `import base from ${JSON.stringify(path.join(REPO, 'electron.vite.config.ts'))};`,
        `export default { main: mergeConfig((base as { main: Record<string, unknown> }).main, { build: { outDir: ${JSON.stringify(path.join(outRoot, 'out', 'main'))} } }) };`,
      ].join('\n'),
    );
    const built = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', configFile], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    if (built.status !== 0) throw new Error(`electron-vite build failed:\n${built.stdout}\n${built.stderr}`);
  }, 150_000);
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it('is built beside the main script with its whitelist one folder up, as it looks for it', () => {
    expect(fs.existsSync(path.join(outRoot, 'out', 'main', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(outRoot, 'out', 'main', 'daemon.js'))).toBe(true);
    expect(fs.readFileSync(path.join(outRoot, 'out', 'capabilities.json'), 'utf8')).toBe(fs.readFileSync(path.join(REPO, 'capabilities.json'), 'utf8'));
  });

  it('starts from its bundle under the supervisor and greets', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-bundle-home-'));
    const port = await freePort();
    const supervisor = createDaemonSupervisor({ spawn: nodeDaemonSpawner({ script: path.join(outRoot, 'out', 'main', 'daemon.js') }), port, home });
    try {
      const ready = await supervisor.start();
      expect(ready.managed).toBe(true);
      expect((await probeDaemon(ready.url, 2000))?.daemonId).toBe(ready.daemonId);
    } finally {
      await supervisor.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('requires at run time only what the packaged app will contain: dependencies, Node built-ins and Electron', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files = fs.readdirSync(path.join(outRoot, 'out', 'main'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'));
    const required = new Set<string>();
    for (const file of files) {
      for (const [, spec = ''] of fs.readFileSync(path.join(outRoot, 'out', 'main', file), 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!spec.startsWith('node:') && !builtinModules.includes(name)) required.add(name);
      }
    }
    expect(required.has('better-sqlite3')).toBe(true);
    const missing = [...required].filter((name) => name !== 'electron' && !(name in pkg.dependencies));
    // electron-builder packs "dependencies" only: anything listed here would be missing from the installed app.
    expect(missing).toEqual([]);
  });
});
