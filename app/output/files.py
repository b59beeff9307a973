"""Files written whole or not at all: one home for the ``OUT.part`` then rename pattern.

Contract: :func:`written_whole` yields a sibling path ``OUT.part`` to write to; when the block ends
without an error the part file replaces ``OUT`` in one rename, otherwise (an error, or
``Cancelled`` raised by a progress callback) it is removed and the error goes on. Any thread."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_whole(path: str | os.PathLike) -> Iterator[Path]:
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        yield part
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
