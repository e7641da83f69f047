"""Calls and names that fail on the path no one tried (mentor/call_checks.py, mentor/flow_checks.py): each check with
real-looking code that triggers it and code doing the right thing."""

from __future__ import annotations

import textwrap

import pytest

from mentor.review import analyse
from mentor.review_lessons import RULE_LESSONS


def raised(code: str, rule: str, filename: str = "demo.py") -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in analyse(textwrap.dedent(code), filename).findings if f.rule == rule]


EXAMPLES = """\
    import gradio as gr

    def run_generate(retry_flag, user_message, chatbot, history, temperature=0.7):
        yield chatbot, history

    def process_example(args):
        for x, y in CALL:
            pass
        return x, y

    gr.Examples(examples=[["hi"]], fn=process_example)
    """


def test_a_call_to_a_function_of_the_file_that_leaves_out_required_arguments_is_a_type_error_waiting():
    [(line, message)] = raised(EXAMPLES.replace("CALL", "run_generate(args)"), "ml:call-arity")
    assert line == 7
    assert "this call to `run_generate` (defined at line 3) leaves out `user_message`, `chatbot`, `history`" in message
    assert raised(EXAMPLES.replace("CALL", "run_generate(False, args, [], [])"), "ml:call-arity") == []


@pytest.mark.parametrize("call, problem", [
    ("run_generate(False, 'hi', [], [], 0.7, 'extra')", "passes 6 positional arguments where it takes 5"),
    ("run_generate(False, 'hi', [], [], temp=0.7)", "passes `temp=`, which it has no parameter for"),
])
def test_too_many_arguments_or_an_unknown_keyword_is_named(call, problem):
    [(_, message)] = raised(EXAMPLES.replace("CALL", call), "ml:call-arity")
    assert problem in message


def test_a_keyword_only_parameter_without_a_default_is_required_and_defaults_are_not():
    code = """\
        def embed(texts, batch=32, *, model, normalize=True):
            return texts

        CALL
        """
    [(line, message)] = raised(code.replace("CALL", "embed(['a'], 16)"), "ml:call-arity")
    assert line == 4 and "leaves out `model`" in message and "batch" not in message and "normalize" not in message
    assert raised(code.replace("CALL", "embed(texts=['a'], model='m')"), "ml:call-arity") == []


@pytest.mark.parametrize("code", [
    # arguments spread from a list or a dict: their number is not known here
    EXAMPLES.replace("CALL", "run_generate(*args)"),
    # a decorator that fills some arguments itself (Airflow injects the context)
    """\
    from airflow.decorators import task

    @task
    def load(table, data_interval_start, data_interval_end):
        return table

    load("events")
    """,
    # the name is bound to something else too
    EXAMPLES.replace("CALL", "run_generate(args)") + "run_generate = lambda args: iter([(1, 2)])\n",
])
def test_calls_whose_signature_is_not_known_here_are_left_alone(code):
    assert raised(code, "ml:call-arity") == []


def test_a_method_called_through_self_is_checked_against_its_own_signature():
    code = """\
        class Indexer:
            def add(self, doc_id, text):
                return doc_id, text

            def add_all(self, docs):
                return [self.add(d) for d in docs]
        """
    [(line, message)] = raised(code, "ml:call-arity", "indexer.py")
    assert line == 6 and "leaves out `text`" in message
    assert raised(code.replace("self.add(d)", "self.add(d, d.text)"), "ml:call-arity", "indexer.py") == []


DEMO = """\
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if torch.cuda.is_available():
        model = AutoModelForCausalLM.from_pretrained("deepseek-ai/deepseek-coder-1.3b-instruct")
        tokenizer = AutoTokenizer.from_pretrained("deepseek-ai/deepseek-coder-1.3b-instruct")
    OTHERWISE

    def generate(prompt: str) -> str:
        inputs = tokenizer(prompt, return_tensors="pt")
        return tokenizer.decode(model.generate(**inputs)[0])
    """


def test_a_model_loaded_only_on_a_gpu_and_used_on_every_path_is_named_where_the_fix_goes():
    found = raised(DEMO.replace("OTHERWISE", ""), "ml:possibly-unbound")
    assert [line for line, _ in found] == [4]
    assert found[0][1].startswith("`model`, `tokenizer` are set only when `torch.cuda.is_available()` holds, but line "
                                  "10 reads them on every path")
    assert "NameError" in found[0][1]
    failing = "else:\n        raise SystemExit('This demo needs a GPU.')"
    assert raised(DEMO.replace("OTHERWISE", failing), "ml:possibly-unbound") == []


TRAIN = """\
    import torch

    def train(model, loader, epochs: int, save_best: bool = False):
        if save_best:
            best_loss = float("inf")
        for _ in range(epochs):
            loss = sum(model(x).sum() for x in loader)
            if save_best and loss < best_loss:
                best_loss = loss
                torch.save(model.state_dict(), "best.pt")
        REPORT
        return loss
    """


def test_a_name_set_under_a_flag_and_read_whatever_the_flag_is_raises_unbound_local_error():
    [(line, message)] = raised(TRAIN.replace("REPORT", 'print(f"best loss {best_loss}")'), "ml:possibly-unbound",
                               "train.py")
    assert line == 4 and "`best_loss` is set only when `save_best` holds, but line 11 reads it" in message
    assert "UnboundLocalError" in message
    # read only where the flag holds (inside the loop, and on the right of `and`): every path that reads it set it
    assert raised(TRAIN.replace("REPORT", "pass"), "ml:possibly-unbound", "train.py") == []
    guarded = 'if save_best:\n            print(f"best loss {best_loss}")'
    assert raised(TRAIN.replace("REPORT", guarded), "ml:possibly-unbound", "train.py") == []
    short_circuit = 'print(save_best and best_loss)'
    assert raised(TRAIN.replace("REPORT", short_circuit), "ml:possibly-unbound", "train.py") == []


@pytest.mark.parametrize("code", [
    # read only under the same test
    """\
    def report(rows, verbose=False):
        if verbose:
            header = "rows:"
        if verbose:
            print(header)
        return rows
    """,
    # the other branch leaves
    """\
    def pick(rows):
        if rows:
            first = rows[0]
        else:
            raise ValueError("no rows")
        return first
    """,
    # two conditions that each bind it: which cases they cover is not known here
    """\
    def models_for(api_type, available):
        if api_type == "open_ai":
            models = ["gpt-4o", "gpt-4o-mini"]
        if api_type == "azure":
            models = ["gpt-4o-deployment"]
        return [m for m in models if m in available]
    """,
    # a default filled in for a parameter, a `global`, an elif chain read under its own branch's test
    """\
    recommender = None

    def load(path, start=None):
        global recommender
        if start is None:
            start = 1
        if recommender is None:
            recommender = object()
        if path.endswith(".pt"):
            checkpoint = path
        elif path.endswith(".bin"):
            weights = path
        if path.endswith(".pt"):
            return checkpoint, start, recommender
        return start
    """,
    # bound by `with ... as`, by `except ... as`
    """\
    def read(path, cached=None):
        if cached is not None:
            with open(cached) as f:
                data = f.read()
        with open(path) as f:
            data = f.read()
        try:
            import orjson
        except ImportError as err:
            print(err)
        if data:
            raise ValueError("empty")
        try:
            return orjson.loads(data)
        except ValueError as err:
            raise RuntimeError(path) from err
    """,
    # comprehension and lambda variables are their own names
    """\
    def rank(items, key=None):
        if key:
            f = key
        return sorted(items, key=lambda f: f.score) + [f for f in items]
    """,
])
def test_names_bound_on_every_path_that_reads_them_are_left_alone(code):
    assert raised(code, "ml:possibly-unbound", "lib.py") == []


def test_the_rules_have_lessons():
    assert {"ml:call-arity", "ml:possibly-unbound"} <= set(RULE_LESSONS)


def test_evaluation_under_no_grad_in_the_caller_or_through_generate_keeps_no_graph():
    called_under_no_grad = """\
        import torch

        def evaluate(model, batch):
            model.eval()
            return model(batch)

        def report(model, batch):
            with torch.no_grad():
                return evaluate(model, batch)
        """
    generating = """\
        def answer(model, inputs):
            model.eval()
            return model.generate(**inputs)
        """
    assert raised(called_under_no_grad, "ml:eval-with-gradients", "eval.py") == []
    assert raised(generating, "ml:eval-with-gradients", "eval.py") == []
