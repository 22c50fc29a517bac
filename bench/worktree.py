"""Another commit of this repository, checked out beside it with its own data store, for before/after benches.

`git worktree add --detach` in a temporary folder; that commit's own `python -m data.build` writes its store
inside it (BCA_PROCESSED_DIR) from the same raw data folder (BCA_DATA_DIR); always removed afterwards.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from data.settings import DATA_DIR_ENV, PROCESSED_DIR_ENV, data_dir

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 600
REF_STORE_ENV = "BCA_REF_STORE"
"""Optional: a store folder that the reference commit's own data.build wrote earlier. Used as is instead of
building one, because a build on a loaded machine can exceed BUILD_TIMEOUT_S (it took > 600 s at load 17)."""


class WorktreeError(RuntimeError):
    """The revision is unknown, or its checkout or data build failed: the message says which."""


@dataclass(frozen=True)
class Checkout:
    rev: str          # as asked, e.g. b6a0c71 or main
    commit: str       # the full hash it names
    root: Path
    env: dict[str, str]  # what its server and build need: where the raw data and its own store are


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise WorktreeError(f"git {' '.join(args)}: {result.stderr.strip()[:300]}")
    return result.stdout.strip()


def resolve(rev: str) -> str:
    """The full commit hash of a revision, or WorktreeError if it names none."""
    return _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


@contextmanager
def checkout(rev: str, log=sys.stdout) -> Iterator[Checkout]:
    """The commit `rev` in a temporary worktree with its data store built; removed when the block ends."""
    commit = resolve(rev)
    parent = Path(tempfile.mkdtemp(prefix="bench_ref_"))
    root = parent / commit[:12]
    _git("worktree", "add", "--detach", "--quiet", str(root), commit)
    prebuilt = os.environ.get(REF_STORE_ENV, "")
    env = {DATA_DIR_ENV: str(data_dir()), PROCESSED_DIR_ENV: prebuilt or str(root / "data" / "processed")}
    try:
        if prebuilt:
            if not (Path(prebuilt) / "manifest.json").is_file():
                raise WorktreeError(f"${REF_STORE_ENV}={prebuilt} holds no built store (no manifest.json)")
            print(f"serving {rev} ({commit[:12]}) from {root} with the store in {prebuilt}", file=log, flush=True)
            yield Checkout(rev, commit, root, env)
            return
        print(f"building the data store of {rev} ({commit[:12]}) in {root} ...", file=log, flush=True)
        build = subprocess.run([sys.executable, "-m", "data.build"], cwd=root, env={**os.environ, **env},
                               capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
        if build.returncode != 0:
            raise WorktreeError(f"data build of {rev} failed: {(build.stderr or build.stdout).strip()[-400:]}")
        yield Checkout(rev, commit, root, env)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(root)], cwd=ROOT, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        try:
            parent.rmdir()
        except OSError:
            pass
