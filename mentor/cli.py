"""The `mentor` command line: every capability, scriptable, with --json output."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from .cli_learning import register_learning
from .errors import InputError, MentorError


def _out(args, data, text: str | None = None) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(text if text is not None else json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _read_arg(value: str | None) -> str:
    """An argument, or standard input for None or '-'; text that is not UTF-8 is refused in one line."""
    try:
        text = sys.stdin.read() if value in (None, "-") else value
        text.encode("utf-8")  # an undecodable argument arrives as lone surrogates ('\udcff')
    except UnicodeError:
        raise InputError("The input is not UTF-8 text.") from None
    return text


def _mentor():
    from .core import build_mentor

    return build_mentor()


# history ---------------------------------------------------------------------------------------
def cmd_history(args) -> int:
    m = _mentor()
    if args.action == "list":
        rows = m.store.conversations()
        _out(args, rows, "\n".join(f"{r['id']:>4}  {r['updated'][:16]}  {r['title']}" for r in rows)
             or "No conversations yet.")
    elif args.action == "show":
        if args.id is None:
            raise InputError("Say which conversation: mentor history show ID")
        m.store.conversation(args.id)
        from .export import export_json, export_markdown  # pydantic: only for the actions that need it

        if args.json:
            _out(args, json.loads(export_json(m.store, args.id))["conversations"][0])
        else:
            print(export_markdown(m.store, args.id))
    elif args.action == "search":
        rows = m.store.search(args.query or "")
        _out(args, rows, "\n".join(f"{r['conversation_id']:>4}  {r['role']:<9} {r['snippet']}" for r in rows)
             or "No messages match.")
    elif args.action == "export":
        from .export import export_json, export_markdown

        text = export_json(m.store, args.id) if args.format == "json" else export_markdown(m.store, args.id)
        if args.output:
            try:
                Path(args.output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"Cannot write {args.output}: {exc.strerror or exc}.") from None
            print(f"Wrote {args.output}", file=sys.stderr)
        else:
            print(text)
    elif args.action == "import":
        from .export import import_json

        ids = import_json(m.store, _read_arg(args.query))
        _out(args, {"imported": ids}, f"Imported {len(ids)} conversation(s).")
    return 0


# knowledge -------------------------------------------------------------------------------------
def cmd_index(args) -> int:
    from .index import Index

    m = _mentor()
    index = Index(m.config, m.store)

    def progress(done: int, total: int, msg: str) -> None:
        if not args.json and sys.stderr.isatty():
            bar = "#" * int(30 * done / max(total, 1))
            print(f"\r[{bar:<30}] {msg}", end="", file=sys.stderr, flush=True)
        elif not args.json:
            if done == total or done % 512 == 0:
                print(msg, file=sys.stderr)

    report = index.update(rebuild=args.rebuild, progress=progress)
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    d = report.as_dict()
    _out(args, d, (f"Index: {d['added']} added, {d['updated']} updated, {d['removed']} removed, "
                   f"{d['unchanged']} unchanged; {d['chunks']} chunks in {d['seconds']} s"
                   + "".join(f"\n  note: {p}" for p in d["problems"] or [])))
    return 0


def cmd_notes(args) -> int:
    from .index import Index
    from .notes import add_folder, all_folders, remove_folder

    m = _mentor()
    if args.action == "add":
        add_folder(m.store, args.folder or "")
    elif args.action == "remove":
        remove_folder(m.store, args.folder or "")
    if args.action in ("add", "remove"):
        for problem in Index(m.config, m.store).update().problems or []:
            print(f"mentor: note: {problem}", file=sys.stderr)  # one bad file is skipped, the rest indexed
    folders = [str(f) for f in all_folders(m.config, m.store)]
    _out(args, {"folders": folders}, "\n".join(folders) or "No note folders yet: mentor notes add DIR")
    return 0


def cmd_search(args) -> int:
    from .retrieval import Filters

    m = _mentor()
    res = m.retriever.search(" ".join(args.query), k=args.k, mode=args.mode,
                             filters=Filters(kind=args.kind, week=args.week, book=args.book))
    hits = [h.as_dict() for h in res.hits]
    if args.json:
        _out(args, {"hits": hits, "coverage": res.coverage.as_dict()} if args.coverage else hits)
        return 0
    if res.message:
        print(res.message)
    for h in hits:
        where = f"week {h['week']}" if h["week"] else (h["book"] or h["paper"] or h["kind"])
        print(f"{h['rank']}. [{h['score']:.3f}] {h['title']} > {h['heading'] or ''} ({where}; {h['source']})")
        print("   " + " ".join(h["text"].split())[:240])
    return 0


def cmd_ask(args) -> int:
    m = _mentor()
    if args.regenerate is not None:
        ans = m.chat.regenerate(args.regenerate, route=args.route, deep=args.deep)
    else:
        question = _read_arg(" ".join(args.question) if args.question and args.question != ["-"] else None)
        ans = m.chat.ask(question, args.conversation, bypass_cache=args.no_cache, route=args.route, deep=args.deep)
    d = ans.as_dict()
    d["citations"] = [{k: v for k, v in c.as_dict().items() if k != "text"} | {"link": c.link}
                      for c in ans.citations]
    if args.json:
        _out(args, d)
        return 0
    print(ans.answer)
    print()
    for c in ans.citations:
        print(f"  [{c.n}] {c.label} ({c.source})")
    cached = " · cached" if ans.cached else ""
    print(f"\n-- {ans.provider}/{ans.model}{cached} · {ans.route_reason} · {ans.tokens_in}+{ans.tokens_out} tokens"
          f" · ${ans.cost_usd:.4f} · {ans.latency_ms:.0f} ms · conversation {ans.conversation_id}")
    for n in ans.notices:
        print(f"   note: {n}")
    return 0


# learning --------------------------------------------------------------------------------------
def cmd_review(args) -> int:
    from .review import MAX_CODE_BYTES, ReviewService

    m = _mentor()
    if args.file in (None, "-"):
        code, name = sys.stdin.read(), None
    else:
        path = Path(args.file)
        if not path.is_file():
            raise InputError(f"No such file: {args.file}")
        if path.stat().st_size > MAX_CODE_BYTES:  # before reading: a 1 GB file is refused, not loaded
            raise InputError(f"{args.file} is {path.stat().st_size / 1024:.0f} KB; a review takes up to "
                             f"{MAX_CODE_BYTES // 1024} KB. Review one module at a time.")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
        try:
            code = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{args.file} is not UTF-8 text; only source code can be reviewed.") from None
        name = path.name
    result = ReviewService(m).review(code, filename=name, kind=args.kind, serves_others=args.serves_others)
    if args.json:
        _out(args, result)
        return 0
    print(result["summary"])
    for f in result["findings"]:
        where = f"{f['section'][:20]:<20}" if f.get("section") else f"{f['line']:>4}"
        print(f"{where}  {f['severity']:<7} {f['principle']:<13} {f['message']}")
        if f.get("question"):
            print(f"      ask: {f['question']}")
        if f.get("suggestion"):
            print(f"      fix: {f['suggestion']}")
    _listed("Design advice and lower-priority notes from the model (not raised as findings)",
            [f for f in result.get("minor") or [] if f["rule"] == "model"], principle=True)
    _listed("Before other people use this (or run again with --serves-others to raise these as findings)",
            result.get("hardening") or [])
    return 0


def _listed(title: str, findings: list[dict], principle: bool = False) -> None:
    """A list the review keeps apart from its findings: line, (principle,) message and fix."""
    if findings:
        print(f"\n{title}:")
    for f in findings:
        sure = f" (confidence {f['confidence']}%)" if f.get("confidence") is not None else ""
        print(f"{f['line']:>4}  " + (f"{f['principle']:<13} " if principle else "") + f["message"] + sure)
        if f.get("suggestion"):
            print(f"      fix: {f['suggestion']}")


def cmd_plan(args) -> int:
    from .planner import Planner

    planner = Planner(_mentor())
    if args.hours is not None:
        planner.set_budget(args.hours)  # remembered for the next plans, as on the Plan page
    plan = planner.plan(week=args.week)
    if args.export:
        from . import plan_export

        start = planner.m.store.setting("start_date")
        data = (plan_export.ics(plan, start, args.app_url) if args.export == "ics"
                else plan_export.markdown(plan, planner.done(plan), args.app_url).encode())
        if args.output:
            Path(args.output).write_bytes(data)
            print(f"Wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(data.decode())
        return 0
    _out(args, plan, None if args.json else Planner.markdown(plan))
    return 0


def cmd_reflect(args) -> int:
    m = _mentor()
    if args.list:
        rows = m.store.reflections(args.week)
        _out(args, rows, "\n\n".join(f"Week {r['week']} ({r['updated'][:10]}):\n{r['went_well']}\n{r['hard']}"
                                     for r in rows) or "No reflections yet.")
        return 0
    if args.week is None:
        raise InputError("Say which week the reflection is for: mentor reflect --week N TEXT")
    text = _read_arg(args.text) if args.text is not None else ""
    confidence = {}
    for item in args.confidence or []:
        topic, _, value = item.partition("=")
        if not value.strip().isdigit():
            raise InputError(f"Confidence is topic=1..5, got {item!r}.")
        confidence[topic.strip()] = int(value)
    found = None
    if any((text, args.hard, args.questions)):
        from .understanding import understand

        # the topics named in the text; the learner's own --confidence ratings win
        found = understand(m, args.week, went_well=text, hard=args.hard or "", questions=args.questions or "")
        confidence = {**found.confidence(), **confidence}
    rid = m.store.save_reflection(args.week, went_well=text, hard=args.hard or "", questions=args.questions or "",
                                  confidence=confidence)
    if not m.index_open:
        from .index import Index

        for problem in Index(m.config, m.store).update().problems or []:  # the new reflection is searchable now
            print(f"mentor: note: {problem}", file=sys.stderr)
    summary = f"\n{found.summary()}" if found else ""
    _out(args, {**m.store.reflection(rid), "understood": found.summary() if found else ""},
         f"Saved reflection {rid} for week {args.week}.{summary}")
    return 0


def cmd_progress(args) -> int:
    from .progress import Progress

    m = _mentor()
    prog = Progress(m)
    if args.start:
        prog.set_start(args.start)
    if args.action == "done":
        for item in args.items:
            prog.mark(item, True)
    elif args.action == "undo":
        for item in args.items:
            prog.mark(item, False)
    data = prog.summary()
    _out(args, data, None if args.json else prog.text(data))
    return 0


def cmd_eval(args) -> int:
    from .evaluation import evaluate, format_table

    m = _mentor()
    report = evaluate(m, split=args.split)
    _out(args, report, None if args.json else format_table(report))
    return 0


def cmd_route_report(args) -> int:
    from .route_report import format_route_report, route_report

    report = route_report(_mentor().config, workload=args.workload)
    _out(args, report, None if args.json else format_route_report(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mentor", description="Architect Mentor: your 20-week architecture mentor.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name, fn, help_):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--json", action="store_true", help="print JSON")
        sp.set_defaults(fn=fn)
        return sp

    h = add("history", cmd_history, "list, show, search, export or import past conversations")
    h.add_argument("action", choices=["list", "show", "search", "export", "import"])
    h.add_argument("id", nargs="?", type=int, help="conversation id (show, export)")
    h.add_argument("--query", help="search words (search) or a file's text via - (import)")
    h.add_argument("--format", choices=["md", "json"], default="md", help="export format")
    h.add_argument("--output", "-o", help="write the export to this file")

    i = add("index", cmd_index, "build or update the search index incrementally")
    i.add_argument("--rebuild", action="store_true", help="start over")

    n = add("notes", cmd_notes, "list, add or remove folders of your own Markdown notes to index")
    n.add_argument("action", choices=["list", "add", "remove"], nargs="?", default="list")
    n.add_argument("folder", nargs="?")

    s = add("search", cmd_search, "search the material")
    s.add_argument("query", nargs="+")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--mode", choices=["hybrid", "fusion", "dense", "bm25"], default="hybrid")
    s.add_argument("--coverage", action="store_true", help="with --json: also the 'not covered' verdict")
    s.add_argument("--kind")
    s.add_argument("--week", type=int)
    s.add_argument("--book")

    a = add("ask", cmd_ask, "ask a question; answers cite the material")
    a.add_argument("question", nargs="*", help="the question, or - to read it from standard input")
    a.add_argument("--conversation", type=int, help="continue this conversation")
    a.add_argument("--route", choices=["strong", "cheap", "local", "offline"], help="force a route")
    a.add_argument("--no-cache", action="store_true", help="ask again, bypassing the semantic cache")
    a.add_argument("--deep", action="store_true", help="a deep answer: the strongest model available")
    a.add_argument("--regenerate", type=int, metavar="QUESTION_ID",
                   help="answer this stored question again (a fresh answer; the earlier ones are kept)")

    r = add("review", cmd_review, "review code or a design document (ADR, design doc, estimate) from a file or stdin")
    r.add_argument("file", nargs="?", help="a file, or - for standard input")
    r.add_argument("--kind", choices=["auto", "code", "design"], default="auto",
                   help="what the text is (auto: .md/.txt files and markdown prose are design documents)")
    r.add_argument("--serves-others", action=argparse.BooleanOptionalAction, default=None,
                   help="the code already serves other people: raise auth, limits and error exposure as findings "
                        "(otherwise they are listed apart, as hardening to do before others use it); remembered, "
                        "as on the Review page")

    pl = add("plan", cmd_plan, "propose next week's plan")
    pl.add_argument("--week", type=int)
    pl.add_argument("--hours", type=float, help="weekly hours budget (remembered)")
    pl.add_argument("--export", choices=["ics", "md"], help="write the plan as a calendar or a Markdown checklist")
    pl.add_argument("--output", "-o", help="the file to write the export to (default: standard output)")
    pl.add_argument("--app-url", default="http://localhost:8501", help="the app's address, for links into the reader")

    rf = add("reflect", cmd_reflect, "write a weekly reflection (or --list them)")
    rf.add_argument("text", nargs="?", help="what went well (or - for standard input)")
    rf.add_argument("--week", type=int)
    rf.add_argument("--hard", help="what was hard")
    rf.add_argument("--questions", help="open questions")
    rf.add_argument("--confidence", action="append", help="topic=1..5, repeatable")
    rf.add_argument("--list", action="store_true")

    pr = add("progress", cmd_progress, "show or update progress through the 20 weeks")
    pr.add_argument("action", nargs="?", choices=["show", "done", "undo"], default="show")
    pr.add_argument("items", nargs="*", help="item ids, e.g. w03-lesson, w03-ex2")
    pr.add_argument("--start", help="your start date, YYYY-MM-DD")

    register_learning(add)  # today, quiz, hint, read: mentor/cli_learning.py

    e = add("eval", cmd_eval, "held-out retrieval figures (graded, blind judgments), 'not covered' error rates")
    e.add_argument("--split", choices=["test", "dev"], default="test",
                   help="test: written blind, never tuned on (default); dev: what the tuning scripts use")

    rr = add("route-report", cmd_route_report, "replay a workload through the router and compare routing costs")
    rr.add_argument("--workload", help="workload .jsonl (default: the held-out eval/route/test.jsonl)")

    from .cli_insights import add_commands

    add_commands(add)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.fn(args) or 0
    except MentorError as exc:
        print(f"mentor: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except (OSError, sqlite3.Error, UnicodeError) as exc:  # the machine, not the learner: still one line
        print(f"mentor: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
