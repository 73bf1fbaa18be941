// Script attachments (`files` of a runbook; aws:executeScript's `Attachment`). In AWS they
// are uploaded with the document (CreateDocument Attachments) and are not part of its text;
// in Drover they are files beside the runbook: `<folder>/<runbook name>/<file>` or
// `<folder>/<file>`. Read when the runbook is loaded, checked against the sha256 the
// document gives, and carried in the plan (base64), so that the worker that runs the step
// needs no access to the runbook's folder and a changed file cannot slip into a running
// execution. A file that is missing or does not match its checksum is a warning (AWS's
// published runbooks refer to attachments that are not public): the step that needs it
// fails when it runs, saying so.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plan } from '../lang/plan';
import type { Diagnostic } from './diagnostic';
import { joinPointer } from './finding';
import type { SourcePositions } from './positions';

/** Attachments embed at most this much in a plan (Temporal carries 2 MiB per payload). */
export const MAX_ATTACHMENT_BYTES = 1024 * 1024;

interface FileEntry {
  checksums?: Record<string, unknown>;
}

function expectedSha256(entry: FileEntry): string | undefined {
  const sums = entry.checksums ?? {};
  const key = Object.keys(sums).find((k) => k.toLowerCase() === 'sha256');
  const value = key === undefined ? undefined : sums[key];
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

async function readFirst(paths: string[]): Promise<Buffer | undefined> {
  for (const p of paths) {
    const data = await readFile(p).catch(() => undefined);
    if (data) return data;
  }
  return undefined;
}

/** Reads the runbook's attachments into the plan; returns warnings for those it cannot. */
export async function attachFiles(plan: Plan, document: unknown, path: string, positions: SourcePositions): Promise<Diagnostic[]> {
  const files = (typeof document === 'object' && document !== null ? (document as { files?: unknown }).files : undefined) as Record<string, FileEntry> | undefined;
  if (!files || typeof files !== 'object') return [];
  const diagnostics: Diagnostic[] = [];
  const warn = (name: string, code: string, message: string, hint: string) => {
    const pointer = joinPointer('/files', name);
    diagnostics.push({ code, severity: 'warning', message, hint, file: path, ...positions.of({ pointer, at: 'key' }), pointer });
  };
  const folder = dirname(path);
  let total = 0;
  const attachments: NonNullable<Plan['attachments']> = {};
  for (const [name, entry] of Object.entries(files)) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
      warn(name, 'attachment-name', `Attachment "${name}" is not a plain file name.`, 'Name attachments like script.py or bundle.zip.');
      continue;
    }
    const data = await readFirst([join(folder, plan.name, name), join(folder, name)]);
    if (!data) {
      warn(name, 'attachment-missing', `Attachment "${name}" is not beside the runbook, so steps that use it fail.`, `Put it at ${join(folder, plan.name, name)} or ${join(folder, name)}.`);
      continue;
    }
    const sha = createHash('sha256').update(data).digest('hex');
    const expected = expectedSha256(entry ?? {});
    if (expected && expected !== sha) {
      warn(name, 'attachment-checksum', `Attachment "${name}" has sha256 ${sha}, not the ${expected} the runbook gives, so steps that use it fail.`, 'Put the file the runbook was written for there, or update files.checksums.sha256.');
      continue;
    }
    total += data.length;
    if (total > MAX_ATTACHMENT_BYTES) {
      warn(name, 'attachment-too-large', `Attachments of more than ${MAX_ATTACHMENT_BYTES} bytes in all do not fit in a plan.`, 'Keep attachments small, or put large files in S3 and fetch them in the script.');
      continue;
    }
    attachments[name] = { sha256: sha, content: data.toString('base64') };
  }
  if (Object.keys(attachments).length) plan.attachments = attachments;
  return diagnostics;
}
