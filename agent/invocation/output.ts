// What a result carries of a plugin's output, truncated as SSM truncates it: the first
// 24,000 characters of stdout and 8,000 of stderr in GetCommandInvocation, 2,500 of both
// together in a plugin's Output. The whole output stays in the files (and goes to S3 or
// CloudWatch Logs when the command asked).
import { open, stat } from 'node:fs/promises';

export const MAX_STDOUT_CHARS = 24_000;
export const MAX_STDERR_CHARS = 8_000;
export const MAX_PLUGIN_OUTPUT_CHARS = 2_500;
export const TRUNCATED_SUFFIX = '\n--output truncated--';
const ERROR_SEPARATOR = '\n----------ERROR-------\n';

/** The first `maxChars` characters of a file (a UTF-8 text), marked when there was more. */
export async function readHead(path: string, maxChars: number): Promise<{ text: string; truncated: boolean; bytes: number }> {
  let bytes = 0;
  try {
    bytes = (await stat(path)).size;
  } catch {
    return { text: '', truncated: false, bytes: 0 };
  }
  // A character is at most 4 bytes in UTF-8; read no more than that.
  const want = Math.min(bytes, maxChars * 4 + 4);
  const buffer = Buffer.alloc(want);
  const file = await open(path, 'r');
  try {
    await file.read(buffer, 0, want, 0);
  } finally {
    await file.close();
  }
  const decoded = buffer.toString('utf8');
  const truncated = decoded.length > maxChars || want < bytes;
  return { text: truncated ? truncate(decoded, maxChars) : decoded, truncated, bytes };
}

/** At most `maxChars` characters, the suffix included, when the text is longer. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return text.slice(0, Math.max(0, maxChars - TRUNCATED_SUFFIX.length)) + TRUNCATED_SUFFIX;
}

/** SSM's plugin Output: stdout, then stderr after a separator, 2,500 characters in all. */
export function pluginOutput(stdout: string, stderr: string): string {
  return truncate(stderr ? `${stdout}${ERROR_SEPARATOR}${stderr}` : stdout, MAX_PLUGIN_OUTPUT_CHARS);
}
