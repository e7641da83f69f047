"""The learner's own note folders: from MENTOR_NOTES and from the settings they save in the app or CLI."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError

SETTING = "notes_dirs"


def saved_folders(store) -> list[Path]:
    try:
        return [Path(p) for p in json.loads(store.setting(SETTING) or "[]")]
    except ValueError:
        return []


def all_folders(config, store) -> list[Path]:
    """MENTOR_NOTES first, then the saved folders, without repeats."""
    seen, out = set(), []
    for folder in [*config.notes_dirs, *(saved_folders(store) if store is not None else [])]:
        key = str(folder.expanduser().resolve())
        if key not in seen:
            seen.add(key)
            out.append(folder.expanduser())
    return out


def add_folder(store, folder: str) -> list[Path]:
    path = Path(folder.strip()).expanduser()
    if not folder.strip():
        raise InputError("Give the path of a folder of Markdown notes.")
    if not path.is_dir():
        raise InputError(f"{path} is not a folder on this machine.")
    if not any(path.rglob("*.md")):
        raise InputError(f"{path} holds no Markdown (.md) files to index.")
    folders = saved_folders(store)
    if path.resolve() not in [f.resolve() for f in folders]:
        folders.append(path.resolve())
    store.set_setting(SETTING, json.dumps([str(f) for f in folders]))
    return folders


def remove_folder(store, folder: str) -> list[Path]:
    target = Path(folder.strip()).expanduser().resolve()
    folders = [f for f in saved_folders(store) if f.resolve() != target]
    store.set_setting(SETTING, json.dumps([str(f) for f in folders]))
    return folders
