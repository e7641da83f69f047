"""The learning loop on the command line: `mentor today`, `mentor quiz`, `mentor hint`, `mentor read`."""

from __future__ import annotations

import sys

from .errors import InputError


def _out(args, data, text=None) -> None:
    from .cli import _out as out

    out(args, data, text)


def _read_arg(value):
    from .cli import _read_arg as read

    return read(value)


def _mentor():
    from .core import build_mentor

    return build_mentor()


def cmd_today(args) -> int:
    from .today import setup, text, today

    m = _mentor()
    if args.start or args.hours is not None:
        if not (args.start and args.hours is not None):
            raise InputError("The first setup takes both: mentor today --start YYYY-MM-DD --hours H")
        setup(m, args.start, args.hours)
    view = today(m)
    _out(args, view.as_dict(), None if args.json else text(view))
    return 0


def cmd_quiz(args) -> int:
    from .quiz import RATINGS, Deck

    deck = Deck(_mentor())
    if args.action == "due":
        cards = [c.as_dict() for c in deck.due(week=args.week)]
        _out(args, cards, "\n".join(f"{c['id']:<8} week {c['week']:>2}  {c['concept']:<28} due {c['due'][:16]}"
                                     for c in cards) or "No quiz cards are due.")
        return 0
    if args.question:
        q = deck.question(args.question)
    else:
        if args.week is None:
            raise InputError("Say which week's quiz: mentor quiz take --week N (or --question w06-q3)")
        q = deck.next_question(args.week)
        if q is None:
            _out(args, {"question": None}, f"No week {args.week} question is due now.")
            return 0
    interactive = not args.json and args.answer is None and sys.stdin.isatty()
    answer = input(f"{q.id}: {q.text}\nYour answer: ") if interactive else _read_arg(args.answer) if args.answer else ""
    out = {"id": q.id, "week": q.week, "concept": q.concept, "question": q.text}
    if answer or args.grade:  # the key is shown only once the learner has answered (or grades)
        model = deck.model_grade(q, answer)
        out.update(answer=answer, key=q.key, model_grade=model.__dict__ if model else None)
        if not args.json:
            print(f"Key: {q.key}" + (f"\nThe mentor's grade: {model.rating}. {model.feedback}" if model else ""))
        grade = args.grade or (input(f"Grade ({'/'.join(RATINGS)}): ") if interactive else None)
        if grade:
            out["card"] = deck.review(q.id, grade, answer=answer, grade=model).as_dict()
    if args.json:
        _out(args, out)
    elif "card" in out:
        print(f"Next review of {q.id}: {out['card']['due'][:16]} UTC")
    elif not answer:
        print(f"{q.id}: {q.text}\n(answer with --answer TEXT, then grade with --grade {'|'.join(RATINGS)})")
    return 0


def cmd_hint(args) -> int:
    from .hints import Tutor

    hint = Tutor(_mentor()).hint(args.week, args.exercise, level=args.level, full=args.full, stuck=args.stuck or "")
    more = f"\n(next: --level {hint.level + 1})" if hint.more else ""
    _out(args, hint.as_dict(), f"Hint {hint.level} ({hint.label}):\n{hint.text}{more}")
    return 0


def cmd_read(args) -> int:
    from . import reader

    m = _mentor()
    doc = reader.open_doc(m.config.corpus_dir, week=args.week, doc="note" if args.note else args.doc,
                          path=args.note)
    start = doc.find(args.section) if args.section else None
    if args.section and start is None:
        raise InputError(f"{doc.title} has no section {args.section!r}; its sections: "
                         + ", ".join(h for _, h, _ in doc.toc()))
    data = {"title": doc.title, "path": doc.path, "words": doc.words, "minutes": doc.minutes,
            "link": reader.reader_link(doc.path, args.section),
            "toc": [{"level": lv, "heading": h, "anchor": a} for lv, h, a in doc.toc()],
            "text": reader.text(doc) if start is None else doc.sections[start].text}
    _out(args, data, data["text"])
    return 0


def register_learning(add) -> None:
    """Add the subcommands with the CLI's `add(name, fn, help)`."""
    td = add("today", cmd_today, "today: the week, the day of the rhythm, what is due, the next step")
    td.add_argument("--start", help="first setup: your start date, YYYY-MM-DD (with --hours)")
    td.add_argument("--hours", type=float, help="first setup: your weekly hours")

    qz = add("quiz", cmd_quiz, "quiz cards: list those due, or take a question and grade your answer (FSRS)")
    qz.add_argument("action", choices=["due", "take"])
    qz.add_argument("--week", type=int)
    qz.add_argument("--question", help="a question id, e.g. w06-q3")
    qz.add_argument("--answer", help="your answer (or - for standard input); shows the key")
    qz.add_argument("--grade", choices=["again", "hard", "good", "easy"], help="your grade: schedules the card")

    hn = add("hint", cmd_hint, "a Socratic hint for an exercise, one rung at a time")
    hn.add_argument("--week", type=int, required=True)
    hn.add_argument("--exercise", type=int, required=True)
    hn.add_argument("--level", type=int, default=1, help="1 a question, 2 the lesson section, 3 a partial outline")
    hn.add_argument("--full", action="store_true", help="the full outline: only when you really want it")
    hn.add_argument("--stuck", help="where you are stuck, in your words")

    rd = add("read", cmd_read, "read a week's lesson, exercises or quiz, or a book or paper note")
    rd.add_argument("--week", type=int)
    rd.add_argument("--doc", choices=["lesson", "exercises", "quiz"], default="lesson")
    rd.add_argument("--note", help="a note's path, e.g. books/ddia/05-replication.md")
    rd.add_argument("--section", help="only this section (heading or anchor)")
