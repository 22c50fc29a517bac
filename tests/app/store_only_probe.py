"""Run every page in a fresh process and print, one per line, each file under the raw data folder it opened.

Used by test_store_only.py in a subprocess, so the audit hook and the cold caches stay out of the test
session. Also calls the upload's reference loader (what the uploader's callback runs; AppTest cannot
upload a file). Exit 2 if a page raised, so a broken page is not mistaken for a clean read.
"""
import os
import sys

from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT, data_dir, processed_dir

PAGES = sorted(path.stem for path in (REPO_ROOT / "app_pages").glob("*.py"))   # every page, new ones included
RAW = os.path.realpath(data_dir())
WATCH = {"on": False}
OPENED: list[str] = []


def _watch(event: str, args: tuple) -> None:
    """Audit hook: remember opens and listings of anything under the raw folder while pages run."""
    if not WATCH["on"] or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    target = args[0]
    if isinstance(target, (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(target))
        if path == RAW or path.startswith(RAW + os.sep):
            OPENED.append(f"{event} {path}")


def main() -> int:
    from data.user_upload import load_reference

    sys.addaudithook(_watch)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    WATCH["on"] = True
    at.run()
    failed = [f"front page: {e.value}" for e in at.exception]
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        failed += [f"{page}: {e.value}" for e in at.exception]
    load_reference(processed_dir())
    WATCH["on"] = False
    for line in dict.fromkeys(OPENED):
        print(line)
    for line in failed:
        print(f"page failed: {line}", file=sys.stderr)
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
