import type { Writable } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

function sink(): Writable & { text: string } {
  // a stored report is printed as bytes, a megabyte at a time: a character may span two pieces
  const decoder = new TextDecoder();
  const s = { text: '', isTTY: false, write: (t: string | Uint8Array) => (s.text += typeof t === 'string' ? t : decoder.decode(t, { stream: true })) };
  return s;
}

/** `pgready …argv` in `cwd`, in process, with empty env: exit code and what it wrote. */
export async function runCli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCliWithEnv(cwd, {}, ...argv);
}

/** runCli with these environment variables. */
export async function runCliWithEnv(cwd: string, env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { cwd, stdout, stderr, env });
  return { code, out: stdout.text, err: stderr.text };
}
