# Runs one aws:executeScript handler as AWS does: handler(events, context), the return
# value becomes the step's Payload. Invoked as: runner.py SCRIPT HANDLER EVENTS_JSON RESULT_JSON
import importlib.util
import json
import os
import signal
import sys
import threading
import time
import traceback


def die_with_parent():
    # The worker started us as the leader of a new process group. If the worker dies
    # (a crash, SIGKILL), nobody would stop this script and what it started: a retry on
    # another worker would then run beside an orphan. So the whole group goes too.
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os.killpg(0, signal.SIGKILL)


class Context:
    """The subset of the Lambda-like context object scripts read."""

    def __init__(self, execution_id, step):
        self.automation_execution_id = execution_id
        self.step_name = step

    def get(self, key, default=None):
        return {"automation:EXECUTION_ID": self.automation_execution_id}.get(key, default)

    def __getitem__(self, key):
        return self.get(key)


def main():
    threading.Thread(target=die_with_parent, daemon=True).start()
    script, handler, events_path, result_path, execution_id, step = sys.argv[1:7]
    with open(events_path) as f:
        events = json.load(f)
    try:
        if script.endswith(".zip"):
            # A .zip attachment: Handler is module.function, the module inside the archive.
            import zipfile

            root = os.path.join(os.path.dirname(script), "attachment")
            with zipfile.ZipFile(script) as z:
                z.extractall(root)
            sys.path.insert(0, root)
            module_name, _, handler = handler.rpartition(".")
            if not module_name:
                raise ValueError(f"the Handler of a .zip attachment is module.function; got {handler!r}")
            module = importlib.import_module(module_name)
        else:
            # Inline Script, or a .py attachment (Handler file.function, or just function).
            handler = handler.rpartition(".")[2]
            sys.path.insert(0, os.path.dirname(script))
            spec = importlib.util.spec_from_file_location("runbook_script", script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        fn = getattr(module, handler, None)
        if fn is None:
            raise AttributeError(f"the script defines no function named {handler!r} (the step's Handler)")
        result = fn(events, Context(execution_id, step))
        with open(result_path, "w") as f:
            json.dump({"ok": True, "payload": result}, f, default=str)
    except BaseException as e:  # noqa: BLE001 - every failure is reported, none is swallowed
        traceback.print_exc()
        with open(result_path, "w") as f:
            json.dump({"ok": False, "error": f"{type(e).__name__}: {e}"}, f)


main()
