"""Options that have no effect (mentor/option_checks.py): each check with real-looking code that triggers it and code
doing the right thing, or code whose unread names are an interface, not a knob."""

from __future__ import annotations

import textwrap

import pytest

from mentor.review import analyse
from mentor.review_lessons import RULE_LESSONS


def unused(code: str, filename: str = "app.py") -> list[tuple[int, str]]:
    """(line, message) of every raised `ml:unused-option` finding."""
    return [(f.line, f.message) for f in analyse(textwrap.dedent(code), filename).findings
            if f.rule == "ml:unused-option"]


LOADERS = """\
    import pandas as pd
    import streamlit as st

    @st.cache_data()
    def clv_df(row_limit=10):
        return pd.read_sql("select * from clv LIMIT_CLAUSE", ENGINE)

    st.dataframe(clv_df(row_limit=50))
    """


def test_a_defaulted_parameter_the_body_never_reads_is_an_option_with_no_effect():
    [(line, message)] = unused(LOADERS.replace("LIMIT_CLAUSE", ""))
    assert line == 5 and "`row_limit` is an option of `clv_df` that its body never reads" in message
    assert unused(LOADERS.replace('"select * from clv LIMIT_CLAUSE"', 'f"select * from clv limit {row_limit}"')) == []


def test_a_generation_helper_that_drops_its_sampling_options_names_each_one():
    code = """\
        def generate(message: str, max_new_tokens: int = 1024, temperature: float = 0.6, top_p: float = 0.9):
            inputs = tokenizer(message, return_tensors="pt")
            return model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
        """
    [(line, message)] = unused(code, "demo.py")
    assert line == 1 and message.startswith("`temperature`, `top_p` are options of `generate`")


@pytest.mark.parametrize("code", [
    # a method that keeps the signature of the base class it overrides
    """\
    from transformers import StoppingCriteria

    class StopOnTokens(StoppingCriteria):
        def __call__(self, input_ids, scores=None, **kwargs) -> bool:
            return input_ids[0][-1] in (0, 2)
    """,
    # an interface: abstract, a stub, or raising NotImplementedError
    """\
    from abc import ABC, abstractmethod

    class Store(ABC):
        @abstractmethod
        def search(self, query: str, k: int = 5):
            ...

        def delete(self, ids=None):
            raise NotImplementedError
    """,
    # parameters without defaults (a framework's callback signature), `_`-prefixed ones, and `**kwargs`
    """\
    async def rate_limit_exceeded(request, exc, _retry=None, **kwargs):
        return {"error": "slow down"}
    """,
    # a default built by a call is a marker the framework acts on: FastAPI runs the dependency, Gradio tracks progress
    """\
    import gradio as gr
    from fastapi import Depends, FastAPI

    app = FastAPI()

    @app.post("/stores")
    def create_store(name: str, api_key: str = Depends(check_api_key)):
        return {"name": name}

    def embed(files, progress=gr.Progress(track_tqdm=True)):
        return [len(f) for f in files]
    """,
    # the body reads its parameters dynamically
    """\
    def build_payload(model="gpt-4o-mini", temperature=0.2):
        return {k: v for k, v in locals().items()}
    """,
])
def test_an_interface_or_a_dynamic_read_is_not_an_unused_option(code):
    assert unused(code) == []


CLI = """\
    import argparse

    from transformers import AutoModelForCausalLM

    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--model", default="gpt2")
        parser.add_argument("--trust-remote-code", action="store_true")
        args = parser.parse_args()
        model = AutoModelForCausalLM.from_pretrained(args.model, TRUST)
        model.save_pretrained("out")

    if __name__ == "__main__":
        main()
    """


def test_a_command_line_option_nothing_reads_is_reported_where_it_is_declared():
    [(line, message)] = unused(CLI.replace(", TRUST", ""), "train.py")
    assert line == 8 and "`--trust-remote-code` is parsed but nothing reads `args.trust_remote_code`" in message
    assert unused(CLI.replace("TRUST", "trust_remote_code=args.trust_remote_code"), "train.py") == []


def test_options_handed_whole_to_another_module_or_read_through_vars_are_not_judged():
    handed = CLI.replace(", TRUST", "").replace("model.save_pretrained", "trainer.run(args)\n        model.save")
    assert unused("import trainer\n" + textwrap.dedent(handed), "train.py") == []
    assert unused(CLI.replace(", TRUST", ", **vars(args)"), "train.py") == []


ARGS = """\
    from dataclasses import dataclass, field

    from transformers import AutoModelForCausalLM, HfArgumentParser

    @dataclass
    class ScriptArguments:
        model_id: str = field(default="gpt2")
        trust_remote_code: bool = field(default=False, metadata={"help": "Whether to trust remote code."})

    def main():
        (script_args,) = HfArgumentParser([ScriptArguments]).parse_args_into_dataclasses()
        model = AutoModelForCausalLM.from_pretrained(script_args.model_id, TRUST)
        model.save_pretrained("out")

    if __name__ == "__main__":
        main()
    """


def test_a_field_of_a_scripts_arguments_dataclass_that_nothing_reads_is_an_option_with_no_effect():
    [(line, message)] = unused(ARGS.replace(", TRUST", ""), "train.py")
    assert line == 8 and message.startswith("`trust_remote_code` is a field of `ScriptArguments`, which the command")
    assert unused(ARGS.replace("TRUST", "trust_remote_code=script_args.trust_remote_code"), "train.py") == []


def test_a_subclass_of_a_library_arguments_class_is_read_by_its_base_not_judged():
    code = ARGS.replace(", TRUST", "").replace("class ScriptArguments:",
                                               "class ScriptArguments(TrainingArguments):")
    assert unused("from transformers import TrainingArguments\n" + textwrap.dedent(code), "train.py") == []


SETTINGS = """\
    import streamlit as st

    MAX_REPO_SIZE = 10 * 1024 * 1024

    def ingest(repo_url: str) -> str:
        content = download(repo_url)
        CHECK
        return content

    st.text(ingest(st.text_input("Repository")))
    """


def test_a_module_level_setting_nothing_reads_in_code_that_runs_is_not_applied():
    [(line, message)] = unused(SETTINGS.replace("CHECK", "pass"))
    assert line == 3 and "`MAX_REPO_SIZE` is set at module level but nothing in the file reads it" in message
    checked = "if len(content) > MAX_REPO_SIZE:\n            raise ValueError('repository too large')"
    assert unused(SETTINGS.replace("CHECK", checked)) == []


def test_a_librarys_constants_are_read_by_whoever_imports_them():
    library = "MAX_REPO_SIZE = 10 * 1024 * 1024\nSUPPORTED = ('github', 'gitlab')\n\n\ndef size(b):\n    return b\n"
    assert unused(library, "limits.py") == []
    # a module that computes at import time is not thereby a script: nothing marks it as run rather than imported
    assert unused("import json\n\nTABLE = json.loads('{}')\nLIMIT = 5\n", "table.py") == []


def test_the_rule_has_a_lesson():
    assert "ml:unused-option" in RULE_LESSONS


def test_a_dataclass_not_parsed_from_the_command_line_and_an_empty_registry_are_not_options():
    code = ARGS.replace(", TRUST", "").replace(
        "(script_args,) = HfArgumentParser([ScriptArguments]).parse_args_into_dataclasses()",
        "script_args = ScriptArguments()")
    assert unused(code, "train.py") == []
    registry = SETTINGS.replace("CHECK", "pass").replace("MAX_REPO_SIZE = 10 * 1024 * 1024", "HANDLERS: dict = {}")
    assert unused(registry) == []
