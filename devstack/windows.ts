// `drover dev` applies the window folder at start (DROVER_WINDOWS, else ./windows), so the
// shipped windows show on the Temporal UI's Schedules page. A window that does not compile
// is reported and applies nothing; the rest of the stack starts anyway.
import { formatDiagnostic, hasErrors } from '../compiler/diagnostic';
import { defaultWindowDir, loadWindowFolder } from '../compiler/window/load';
import { WindowsClient } from '../client/windows';

/** Applies the windows; returns the line the banner shows. */
export async function applyWindowsAtStart(dir: string = defaultWindowDir()): Promise<string> {
  const { windows, diagnostics } = await loadWindowFolder(dir);
  if (hasErrors(diagnostics)) {
    for (const d of diagnostics) console.error(formatDiagnostic(d));
    return `not applied: the files of ${dir} do not compile (drover validate ${dir})`;
  }
  const client = await WindowsClient.connect();
  try {
    const changes = await client.plan(windows);
    await client.apply(changes.filter((c) => c.action !== 'unchanged' || c.fields?.length));
    const count = (a: string) => changes.filter((c) => c.action === a).length;
    return `${windows.length} from ${dir} (${count('create')} created, ${count('update')} updated, ${count('delete')} deleted); drover windows list`;
  } catch (err) {
    return `not applied: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await client.close();
  }
}
