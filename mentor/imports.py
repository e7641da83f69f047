"""Importing a library without the optional extras it loads eagerly and the mentor never uses.

sqlite-utils imports pandas when it is installed (Streamlit and the Insights charts need it), only to map
`pandas.Timestamp` columns, which the mentor never writes; bm25s imports scipy for a sparse-matrix backend the
mentor does not select (it builds with bm25s' default numpy backend). Together that is most of a second of every
cold `mentor` command. Hiding an extra for the duration of one import makes the library take its documented
"not installed" path; the extra stays importable afterwards for everything else.
"""

from __future__ import annotations

import _imp
import importlib
import sys
from types import ModuleType


def import_without(module: str, *extras: str) -> ModuleType:
    """`import module`, with each of `extras` that is not imported yet looking uninstalled while it runs."""
    if module in sys.modules:
        return sys.modules[module]
    # the global import lock keeps other threads (Streamlit sessions) from importing an extra while it is hidden
    _imp.acquire_lock()
    try:
        hidden = [name for name in extras if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
        try:
            return importlib.import_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name) is None:
                    del sys.modules[name]
    finally:
        _imp.release_lock()
