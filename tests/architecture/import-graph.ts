// Reads the import graph of src-main, src-renderer, src-daemon and src-shared and names every arrow that points the wrong way.
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export const SOURCE_ROOTS = ['src-main', 'src-renderer', 'src-daemon', 'src-shared'] as const;

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.cts', '.mts', '.js', '.cjs', '.mjs'] as const;
// Build output and installed packages are not ours to police; dot-folders hold caches.
const SKIPPED_DIRS = new Set(['node_modules', 'out']);

export type Rule =
  | 'electron-only-in-shell'
  | 'core-stays-plain'
  | 'renderer-only-contract'
  | 'renderer-no-node'
  | 'daemon-independent'
  | 'main-only-daemon-protocol'
  | 'shared-imports-nothing'
  | 'contract-runs-anywhere';

/** One sentence per rule, printed beside each violation so a failure says what to do. */
export const RULE_TEXT: Readonly<Record<Rule, string>> = Object.freeze({
  'electron-only-in-shell': 'only src-main/electron/** may import electron',
  'core-stays-plain':
    'src-main/core/** must not import src-main/api/**, src-main/electron/**, or the entry points main.ts/headless.ts/cli.ts',
  'renderer-only-contract': 'src-renderer/** may import nothing outside itself except src-shared/contract/**',
  'renderer-no-node': 'src-renderer/** runs in a browser and must not import node built-ins (vite.config.ts excepted)',
  'daemon-independent': 'src-daemon/** must never import src-main/**',
  'main-only-daemon-protocol': 'src-main/** may import only src-daemon/protocol/** from the daemon',
  'shared-imports-nothing': 'src-shared/** imports nothing of the project outside itself, and no package but zod',
  'contract-runs-anywhere': 'src-shared/contract/** is loaded by the browser too and must not import node built-ins',
});

export type ImportKind = 'import' | 'export' | 'side-effect' | 'dynamic' | 'require' | 'import-equals' | 'type-query';

export interface ImportRef {
  /** Repo-relative, forward slashes. */
  file: string;
  specifier: string;
  kind: ImportKind;
  line: number;
  /** Repo-relative target of a relative specifier (with its extension when the file exists); null for packages. */
  target: string | null;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: Rule;
  line: number;
}

/** True when `p` is `dir` itself or lies below it (so `api/contractual.ts` is not under `api/contract`). */
export const isUnder = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`);

const hasSourceExtension = (name: string): boolean => SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext));

/** Every source file under the process roots and the shared folder, repo-relative and sorted; missing roots are simply empty. */
export function collectSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(childRel);
      } else if (entry.isFile() && hasSourceExtension(entry.name)) {
        out.push(childRel);
      }
    }
  };
  for (const dir of SOURCE_ROOTS) walk(dir);
  return out.sort();
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Every module specifier written as a literal in the file, from a full parse rather than a regex, so
 * text in comments and strings is never mistaken for an import and `import type`/type queries count too.
 */
export function extractImports(text: string, fileName: string): { specifier: string; kind: ImportKind; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const found: { specifier: string; kind: ImportKind; line: number }[] = [];
  const add = (node: ts.Node, kind: ImportKind): void => {
    if (!ts.isStringLiteralLike(node)) return;
    found.push({ specifier: node.text, kind, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause ? 'import' : 'side-effect');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, 'export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'import-equals');
    } else if (ts.isImportTypeNode(node)) {
      // `typeof import('x')` / `import('x').T` in a type position.
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(arg.literal, 'type-query');
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const first = node.arguments[0];
      if (first && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(first, 'dynamic');
      else if (first && ts.isIdentifier(node.expression) && node.expression.text === 'require') add(first, 'require');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isFile = (abs: string): boolean => {
  try {
    return fs.statSync(abs).isFile();
  } catch {
    return false;
  }
};

/**
 * Resolves a relative specifier the way the bundler does: as written, with each source extension,
 * `.js` written for a `.ts` file, then `<dir>/index.*`. Unresolvable targets keep their normalized path,
 * so a wrong arrow to a file that does not exist yet is still caught by its folder.
 */
export function resolveRelative(root: string, fromFile: string, specifier: string): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  const candidates = [base, ...SOURCE_EXTENSIONS.map((ext) => base + ext)];
  const jsLike = /\.([cm]?)jsx?$/.exec(base);
  if (jsLike) {
    const stem = base.slice(0, -jsLike[0].length);
    const flavour = jsLike[1] ?? '';
    candidates.push(`${stem}.${flavour}ts`, `${stem}.tsx`);
  }
  candidates.push(...SOURCE_EXTENSIONS.map((ext) => `${base}/index${ext}`));
  return candidates.find((c) => isFile(path.join(root, c))) ?? base;
}

const isRelative = (specifier: string): boolean => specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

/** All imports of all source files under `root`. */
export function collectImports(root: string): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const file of collectSourceFiles(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const found of extractImports(text, file)) {
      const target = isRelative(found.specifier) ? resolveRelative(root, file, found.specifier) : null;
      refs.push({ file, ...found, target });
    }
  }
  return refs;
}

const stripExtension = (p: string): string => p.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
const ENTRY_POINTS = new Set(['src-main/main', 'src-main/headless', 'src-main/cli']);
const RENDERER_BUILD_CONFIG = 'src-renderer/vite.config.ts';

const isElectron = (specifier: string): boolean => specifier === 'electron' || specifier.startsWith('electron/');

/** The rule one import breaks, or null when the arrow points the right way. One rule per import, the most specific. */
export function ruleBroken(ref: Pick<ImportRef, 'file' | 'specifier' | 'target'>): Rule | null {
  const { file, specifier, target } = ref;
  if (isElectron(specifier) && !isUnder(file, 'src-main/electron')) return 'electron-only-in-shell';

  if (isUnder(file, 'src-renderer')) {
    if (target === null) {
      return isBuiltin(specifier) && file !== RENDERER_BUILD_CONFIG ? 'renderer-no-node' : null;
    }
    if (isUnder(target, 'src-renderer') || isUnder(target, 'src-shared/contract')) return null;
    return 'renderer-only-contract';
  }

  if (isUnder(file, 'src-shared')) {
    if (target === null) {
      if (isBuiltin(specifier)) return isUnder(file, 'src-shared/contract') ? 'contract-runs-anywhere' : null;
      return specifier === 'zod' || specifier.startsWith('zod/') || specifier === 'vitest' ? null : 'shared-imports-nothing';
    }
    return isUnder(target, 'src-shared') ? null : 'shared-imports-nothing';
  }

  if (target === null) return null;

  if (isUnder(file, 'src-daemon')) return isUnder(target, 'src-main') ? 'daemon-independent' : null;

  if (isUnder(file, 'src-main')) {
    if (isUnder(target, 'src-daemon') && !isUnder(target, 'src-daemon/protocol')) return 'main-only-daemon-protocol';
    if (isUnder(file, 'src-main/core')) {
      if (isUnder(target, 'src-main/api') || isUnder(target, 'src-main/electron') || ENTRY_POINTS.has(stripExtension(target))) return 'core-stays-plain';
    }
  }
  return null;
}

/** Every wrong arrow in the repository at `root`, in file order. */
export function checkImports(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const ref of collectImports(root)) {
    const rule = ruleBroken(ref);
    if (rule) violations.push({ file: ref.file, specifier: ref.specifier, rule, line: ref.line });
  }
  return violations;
}

/** One line per violation, with the rule in words, for a failure message a person can act on. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `  ${v.file}:${v.line} imports '${v.specifier}' — ${v.rule}: ${RULE_TEXT[v.rule]}`).join('\n');
}
