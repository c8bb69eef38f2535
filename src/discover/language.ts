import type { Language, TextKind } from '../model/facts.js';

export interface FileKind {
  language: Language;
  textKind?: TextKind;
}

const BY_EXTENSION: Record<string, FileKind> = {
  '.py': { language: 'python' },
  '.pyw': { language: 'python' },
  '.js': { language: 'javascript' },
  '.mjs': { language: 'javascript' },
  '.cjs': { language: 'javascript' },
  '.jsx': { language: 'javascript' },
  '.ts': { language: 'typescript' },
  '.mts': { language: 'typescript' },
  '.cts': { language: 'typescript' },
  '.tsx': { language: 'typescript' },
  '.sh': { language: 'text', textKind: 'shell' },
  '.bash': { language: 'text', textKind: 'shell' },
  '.zsh': { language: 'text', textKind: 'shell' },
  '.env': { language: 'text', textKind: 'env' },
  '.ini': { language: 'text', textKind: 'ini' },
  '.cfg': { language: 'text', textKind: 'ini' },
  '.conf': { language: 'text', textKind: 'conf' },
  '.service': { language: 'text', textKind: 'conf' },
  '.timer': { language: 'text', textKind: 'conf' },
  '.socket': { language: 'text', textKind: 'conf' },
  '.yaml': { language: 'text', textKind: 'yaml' },
  '.yml': { language: 'text', textKind: 'yaml' },
  '.toml': { language: 'text', textKind: 'toml' },
  '.json': { language: 'text', textKind: 'json' },
  '.dockerfile': { language: 'text', textKind: 'dockerfile' },
  '.prisma': { language: 'text', textKind: 'prisma' },
  '.crontab': { language: 'text', textKind: 'shell' },
  '.cron': { language: 'text', textKind: 'shell' },
};

const SHELL: FileKind = { language: 'text', textKind: 'shell' };
const ENV: FileKind = { language: 'text', textKind: 'env' };
const DOCKERFILE: FileKind = { language: 'text', textKind: 'dockerfile' };

function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function parentName(path: string): string {
  const parts = path.split('/');
  return parts.length >= 2 ? parts[parts.length - 2]! : '';
}

/**
 * Is this a crontab? `crontab`, `*.crontab`, `*.cron`, or an extensionless file in a `cron.d/`
 * directory. Crontab lines start with a schedule, so the text scanner needs to know.
 */
export function isCrontabPath(path: string): boolean {
  const name = baseName(path).toLowerCase();
  if (name === 'crontab' || name.endsWith('.crontab') || name.endsWith('.cron')) return true;
  const parent = parentName(path).toLowerCase();
  return (parent === 'cron.d' || parent === 'crontabs') && !name.includes('.') && name.length > 0;
}

/**
 * The kind of a file from its path alone ('/'-separated). `undefined` means either an
 * unsupported file or an extensionless one whose shebang decides (see `needsShebang`).
 */
export function classifyPath(path: string): FileKind | undefined {
  const name = baseName(path);
  const lower = name.toLowerCase();
  // .env, .env.local, .env.production
  if (lower === '.env' || lower.startsWith('.env.')) return ENV;
  // .envrc is sourced by direnv: shell
  if (lower === '.envrc') return SHELL;
  // Dockerfile, Dockerfile.dev, Containerfile
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower === 'containerfile' || lower.startsWith('containerfile.')) {
    return DOCKERFILE;
  }
  if (isCrontabPath(path)) return SHELL;
  const dot = lower.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return BY_EXTENSION[lower.slice(dot)];
}

/** An extensionless, non-dot file: its first line may be a shebang naming the language. */
export function needsShebang(path: string): boolean {
  const name = baseName(path);
  return name.length > 0 && !name.includes('.');
}

const PYTHON_NAME = /^(python|pypy)(\d+(\.\d+)*)?$/;
const SHELL_NAMES = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh']);
const NODE_NAMES = new Set(['node', 'nodejs']);

/**
 * The kind named by a shebang line, if any:
 * `#!/usr/bin/python3`, `#!/usr/bin/env python3.11`, `#!/usr/bin/env -S python3 -u`, `#!/bin/sh`.
 */
export function classifyShebang(firstLine: string): FileKind | undefined {
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/[ \t]+/).filter((w) => w.length > 0);
  let i = 0;
  let interpreter = baseName(words[i] ?? '');
  if (interpreter === 'env') {
    i++;
    // env's own options and VAR=value assignments come before the program
    while (i < words.length && (words[i]!.startsWith('-') || words[i]!.includes('='))) i++;
    interpreter = baseName(words[i] ?? '');
  }
  if (PYTHON_NAME.test(interpreter)) return { language: 'python' };
  if (SHELL_NAMES.has(interpreter)) return SHELL;
  if (NODE_NAMES.has(interpreter)) return { language: 'javascript' };
  return undefined;
}
