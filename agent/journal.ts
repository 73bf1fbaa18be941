// The agent's memory of the invocations it started, so that a command is never run twice:
// an append-only file in the state directory, written (and fsync'ed) before a command
// starts and when it ends. An invocation delivered again (a retry the dispatcher should
// not have asked for, or the same command after an agent restart) is answered from here
// instead of being run. Entries that started but never ended were cut short by the agent
// dying. Bounded: rewritten to the newest entries when it grows.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { InvocationStatus } from './protocol';

export interface JournalEntry {
  key: string;
  startedAt: string;
  endedAt?: string;
  status?: InvocationStatus;
  responseCode?: number;
  /** Started, and the agent stopped before it ended. */
  interrupted?: boolean;
}

type Line = { key: string; at: string } & ({ event: 'start' } | { event: 'end'; status: InvocationStatus; responseCode: number } | { event: 'interrupted' });

const KEEP = 1000;

export class InvocationJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private fd: number;
  private lines = 0;

  private constructor(private readonly file: string) {
    this.fd = -1;
  }

  /** Opens (creating) the journal of a state directory; entries left running are marked interrupted. */
  static open(stateDir: string): InvocationJournal {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const journal = new InvocationJournal(join(stateDir, 'invocations.jsonl'));
    journal.load();
    return journal;
  }

  private load(): void {
    if (existsSync(this.file)) {
      for (const text of readFileSync(this.file, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          continue; // a line cut short by a crash
        }
        this.apply(line);
      }
    }
    const interrupted = [...this.entries.values()].filter((e) => !e.endedAt && !e.interrupted);
    for (const e of interrupted) e.interrupted = true;
    // Rewrite compactly (newest entries only), with the interruptions recorded.
    this.rewrite();
  }

  private apply(line: Line): void {
    if (line.event === 'start') {
      this.entries.delete(line.key); // keep insertion order = recency
      this.entries.set(line.key, { key: line.key, startedAt: line.at });
      return;
    }
    const entry = this.entries.get(line.key);
    if (!entry) return;
    if (line.event === 'interrupted') entry.interrupted = true;
    else Object.assign(entry, { endedAt: line.at, status: line.status, responseCode: line.responseCode });
  }

  private rewrite(): void {
    const keep = [...this.entries.values()].slice(-KEEP);
    this.entries.clear();
    for (const e of keep) this.entries.set(e.key, e);
    const lines = keep.flatMap((e): Line[] => [
      { key: e.key, at: e.startedAt, event: 'start' },
      ...(e.endedAt ? [{ key: e.key, at: e.endedAt, event: 'end' as const, status: e.status!, responseCode: e.responseCode ?? -1 }] : []),
      ...(e.interrupted ? [{ key: e.key, at: e.startedAt, event: 'interrupted' as const }] : []),
    ]);
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(this.file, 'a', 0o600);
    this.lines = lines.length;
  }

  private append(line: Line): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    // The start must be on disk before the command runs, or a crash could forget it.
    fsyncSync(this.fd);
    this.apply(line);
    if (++this.lines > KEEP * 3) this.rewrite();
  }

  lookup(key: string): JournalEntry | undefined {
    return this.entries.get(key);
  }

  start(key: string): void {
    this.append({ key, at: new Date().toISOString(), event: 'start' });
  }

  end(key: string, status: InvocationStatus, responseCode: number): void {
    this.append({ key, at: new Date().toISOString(), event: 'end', status, responseCode });
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
