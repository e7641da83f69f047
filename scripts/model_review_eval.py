"""Measure the review *with a model*: the real ReviewService, the real Anthropic SDK, a loopback server in between.

This machine has no model, so a helper stands in for Claude: it reads the exact request the mentor sends (system
prompt, the redacted and numbered code, the static findings, the rubric, the tool schema) and writes the tool's
input, as Claude would when forced to call `report_review`. The mentor then parses, validates and merges that reply
exactly as it does Claude's.

    python scripts/model_review_eval.py prompts --split test --ids g372,g373 --out /work/blind/reviewNN
        # writes OUT/<file>.prompt.md (what left the machine) for the stand-in; it answers OUT/<file>.answer.json
    python scripts/model_review_eval.py findings --split test --ids g372,g373 --answers /work/blind/reviewNN \\
        --write /tmp/model.jsonl
        # the review's findings, static and model, in eval_review.py's --write format (for review_round.py);
        # the model's info notes, which the review lists apart, are written too (`_listed`) unless --shown-only

`--sample N --seed S` picks N files of the split at random (instead of, or besides, `--ids`).
A missing or unparsable answer is reported and that file gets the offline review only, as the product does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_review import DATA, load  # noqa: E402

from mentor.config import Config  # noqa: E402
from mentor.core import Mentor  # noqa: E402
from mentor.review import ReviewService  # noqa: E402
from tests.servers import AnthropicServer, Reply, content_text  # noqa: E402

EMPTY = {"summary": "", "findings": []}


def chosen(split: str, ids: str, sample: int, seed: int, data: Path = DATA) -> list[Path]:
    """The files of the split named by `ids` (comma-separated) plus `sample` more drawn at random."""
    manifest = [m["id"] for m in load(data / "manifest.jsonl") if m["split"] == split]
    named = [i for i in ids.split(",") if i]
    unknown = set(named) - set(manifest)
    if unknown:
        raise SystemExit(f"not {split} files: {sorted(unknown)}")
    rest = sorted(set(manifest) - set(named))
    picked = named + sorted(random.Random(seed).sample(rest, min(sample, len(rest))))
    return [next((data / "files").glob(f"{fid}.*")) for fid in picked]


def mentor_for(server: AnthropicServer, home: str) -> Mentor:
    for name in ("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"):
        os.environ.pop(name, None)
    return Mentor(Config.from_env({"MENTOR_HOME": home, "MENTOR_PROVIDER": "anthropic",
                                   "ANTHROPIC_API_KEY": "sk-ant-eval-000", "ANTHROPIC_BASE_URL": server.base_url}))


def prompt_text(body: dict) -> str:
    """The request as the stand-in reads it: system prompt, user message, and the tool it must call."""
    system = content_text(body.get("system"))
    user = "\n".join(content_text(m["content"]) for m in body["messages"])
    return (f"# System prompt\n\n{system}\n\n# User message\n\n{user}\n\n# The tool you must call "
            f"(write its input as one JSON object)\n\n```json\n{json.dumps(body['tools'][0], indent=1)}\n```\n")


def prompts(files: list[Path], out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, AnthropicServer() as server:
        service = ReviewService(mentor_for(server, home))
        for path in files:
            server.enqueue(Reply(tool_input=EMPTY))
            service.review(path.read_text(encoding="utf-8"), path.name, store_it=False, kind="code")
            (out / f"{path.name}.prompt.md").write_text(prompt_text(server.requests[-1].body), encoding="utf-8")
    print(f"wrote {len(files)} prompts to {out}")
    return 0


def rank_of(message: str, asked: list[str]) -> int | None:
    """The finding's place in the model's answer (1 = first, the most important by the prompt's rule)."""
    return next((n for n, start in enumerate(asked, start=1) if message.startswith(start)), None)


def findings(files: list[Path], answers: Path, write: Path, shown_only: bool = False) -> int:
    rows, missing, dropped, model = [], [], 0, 0
    with tempfile.TemporaryDirectory() as home, AnthropicServer() as server:
        service = ReviewService(mentor_for(server, home))
        for path in files:
            answer = answers / f"{path.name}.answer.json"
            try:
                reply = json.loads(answer.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                missing.append(path.name)
                reply = EMPTY
            server.enqueue(Reply(tool_input=reply))
            result = service.review(path.read_text(encoding="utf-8"), path.name, store_it=False, kind="code")
            listed = [f for f in result["minor"] if f["rule"] == "model"]  # the model's info notes, listed apart
            given = sum(1 for f in result["findings"] if f["rule"] == "model") + len(listed)
            model += given
            dropped += len(reply.get("findings") or []) - given
            asked = [str(item.get("message", ""))[:60] for item in reply.get("findings") or []]
            rows += [{"file": path.name, "line": f["line"], "end_line": f["end_line"], "also": f.get("also") or [],
                      "message": f["message"], "_rule": f["rule"], "_severity": f["severity"],
                      "_principle": f["principle"],
                      "_rank": rank_of(f["message"], asked) if f["rule"] == "model" else None,
                      "_listed": f in listed, "_confidence": f.get("confidence")}
                     for f in result["findings"] + ([] if shown_only else listed)]
    write.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} findings on {len(files)} files ({model} from the model; {dropped} of its findings dropped as "
          f"invalid or repeating a static one) -> {write}")
    if missing:
        print(f"no usable answer for {len(missing)} files (offline review only): {', '.join(missing)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=["prompts", "findings"])
    ap.add_argument("--data", type=Path, default=DATA, help="folder with manifest.jsonl and files/")
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--ids", default="")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="prompts: the stand-in's folder")
    ap.add_argument("--answers", type=Path, help="findings: the folder with <file>.answer.json")
    ap.add_argument("--write", type=Path, help="findings: where to write them")
    ap.add_argument("--shown-only", action="store_true",
                    help="findings: only what the review raises (without the model's info notes, listed apart)")
    args = ap.parse_args(argv)
    files = chosen(args.split, args.ids, args.sample, args.seed, args.data)
    if args.step == "prompts":
        return prompts(files, args.out)
    return findings(files, args.answers, args.write, args.shown_only)


if __name__ == "__main__":
    raise SystemExit(main())
