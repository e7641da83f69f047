"""Several browser tabs at once: N real Chromium sessions against a real `streamlit run app.py`, each asking
M questions, offline or through the loopback Claude server of tests/servers.py.

    .venv/bin/python scripts/load_test.py --sessions 4 --questions 3             # offline, a fresh index
    .venv/bin/python scripts/load_test.py --sessions 1,4,8 --home ~/.local/share/architect-mentor   # a copy of it
    .venv/bin/python scripts/load_test.py --sessions 4 --claude --home ...       # through the loopback Claude
    .venv/bin/python scripts/load_test.py --sessions 4 --rebuild-during ...      # `mentor index --rebuild` meanwhile

Prints answers completed, errors, exceptions shown on pages, p50/p95 time to answer (Enter to the answer's
caption) and to the first chat box, the server's RSS (from /proc), the history database's lock waits and how
often the index was opened and built (both counted from the server log). Everything is bounded: --timeout
seconds for the whole run, and the server is stopped at the end. --json prints the same as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.evaluation import load_split  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ANSWER_TIMEOUT_S = 180.0
FOOTER = '[data-testid="stFeedback"]'  # the answer's thumbs, rendered once the answer is complete and stored


@dataclass
class Session:
    n: int
    first_box_s: float | None = None
    answer_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    after_swap: int = 0  # answers to questions asked after a rebuild was published


@dataclass
class Report:
    sessions: int
    questions: int
    provider: str
    answered: int = 0
    errors: int = 0
    exceptions: int = 0
    answer_p50_s: float = 0.0
    answer_p95_s: float = 0.0
    first_box_p50_s: float = 0.0
    first_box_max_s: float = 0.0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    lock_waits: int = 0
    lock_wait_ms: float = 0.0
    database_locked: int = 0
    index_opened: int = 0
    index_built: int = 0
    rebuild: dict | None = None
    model_requests: int = 0  # requests the loopback Claude server answered (--claude)
    load_average: float = 0.0  # of the machine when the run started: the figures depend on it
    seconds: float = 0.0
    details: list[dict] = field(default_factory=list)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc/PID/status."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Server:
    """`streamlit run app.py` on loopback, its output kept in a log file."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        self.peak_rss = 0.0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    self._sampler.start()
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("the app did not become healthy:\n" + self.log()[-3000:])

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_rss = max(self.peak_rss, rss_mb(self.proc.pid))

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


async def _page_problems(page, session: Session) -> None:
    for el in await page.get_by_test_id("stException").all():
        session.exceptions.append((await el.inner_text())[:300])


async def run_session(browser, url: str, session: Session, questions: list[str], started: asyncio.Event,
                      rebuilt: asyncio.Event | None, extra: list[str]) -> None:
    """Open the app and ask `questions`; with `rebuilt`, keep asking from `extra` until the rebuild has finished,
    then once more, so that answers come while the index is rebuilt and after it is swapped."""
    context = await browser.new_context()
    page = await context.new_page()
    try:
        t = time.perf_counter()
        await page.goto(url + "/chat", timeout=ANSWER_TIMEOUT_S * 1000)  # Ask (Today is the landing page)
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for(timeout=ANSWER_TIMEOUT_S * 1000)
        session.first_box_s = time.perf_counter() - t
        asked, after_swap = 0, 0
        pending = iter(extra)
        while True:
            if asked < len(questions):
                question = questions[asked]
            elif rebuilt is not None and after_swap < 1:
                question = next(pending, None)
                if question is None:
                    break
            else:
                break
            swapped = rebuilt is not None and rebuilt.is_set()  # asked after the new index was published
            captions = page.get_by_test_id("stChatMessage").filter(has=page.locator(FOOTER))
            await box.fill(question)
            t = time.perf_counter()
            await box.press("Enter")
            try:
                await captions.nth(asked).wait_for(timeout=ANSWER_TIMEOUT_S * 1000)
                session.answer_s.append(time.perf_counter() - t)
                session.after_swap += swapped
            except Exception as exc:  # a timeout: the answer never completed
                session.errors.append(f"question {asked + 1}: {type(exc).__name__}: {str(exc)[:200]}")
            asked += 1
            after_swap += swapped
            started.set()
            await _page_problems(page, session)
            if session.exceptions:
                break
    except Exception as exc:
        session.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        await _page_problems(page, session)
    finally:
        try:
            await context.close()
        except Exception:  # the browser is already gone (the run passed its time limit)
            pass


async def drive(url: str, sessions: list[Session], questions: list[list[str]], extra: list[list[str]],
                rebuild_env: dict | None, rebuild: dict) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        started = asyncio.Event()
        rebuilt = asyncio.Event() if rebuild_env is not None else None
        tasks = [asyncio.create_task(run_session(browser, url, s, q, started, rebuilt, e))
                 for s, q, e in zip(sessions, questions, extra, strict=True)]
        if rebuild_env is not None:
            await asyncio.wait([asyncio.create_task(started.wait())] + tasks, return_when=asyncio.FIRST_COMPLETED)
            t, before = time.perf_counter(), sum(len(s.answer_s) for s in sessions)
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "mentor", "index", "--rebuild", "--json", env=rebuild_env, cwd=str(ROOT),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            try:
                out, err = await proc.communicate()
            except asyncio.CancelledError:  # the run passed its time limit: leave no rebuild running
                proc.kill()
                await proc.wait()
                raise
            rebuilt.set()
            rebuild.update(exit_code=proc.returncode, seconds=round(time.perf_counter() - t, 1),
                           answers_while_rebuilding=sum(len(s.answer_s) for s in sessions) - before)
            if proc.returncode == 0:
                rebuild["generation"] = json.loads(out).get("generation")
            else:
                rebuild["stderr"] = err.decode()[-500:]
        await asyncio.gather(*tasks)
        if rebuild:
            rebuild["answers_after_swap"] = sum(s.after_swap for s in sessions)
        await browser.close()


def run(args: argparse.Namespace, n: int) -> Report:
    """One server, n sessions of args.questions questions each."""
    tmp = Path(tempfile.mkdtemp(prefix="mentor-load-"))
    home = tmp / "home"
    if args.home:
        shutil.copytree(args.home, home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTOR_", "ANTHROPIC_", "CHROMA_"))}
    env.update(MENTOR_HOME=str(home), PYTHONPATH=str(ROOT), MENTOR_PROVIDER="offline")
    if args.corpus:
        env["MENTOR_CORPUS"] = args.corpus
    claude = None
    if args.claude:
        from tests.servers import AnthropicServer

        claude = AnthropicServer().start()
        env.update(MENTOR_PROVIDER="anthropic", ANTHROPIC_API_KEY="sk-ant-load-test-0000",
                   ANTHROPIC_BASE_URL=claude.base_url)

    pool = [q["question"] for q in load_split("dev")]
    per = [[pool[(s * args.questions + j) % len(pool)] for j in range(args.questions)] for s in range(n)]
    extra = [[pool[(n * args.questions + s + n * j) % len(pool)] for j in range(50)] for s in range(n)]
    sessions = [Session(i) for i in range(n)]
    report = Report(sessions=n, questions=args.questions, provider=env["MENTOR_PROVIDER"],
                    load_average=float(Path("/proc/loadavg").read_text().split()[0]))
    server = Server(env, args.port or _free_port(), tmp / "server.log")
    start = time.perf_counter()
    try:
        server.wait_healthy(120)
        report.rss_start_mb = round(rss_mb(server.proc.pid), 1)
        rebuild: dict = {}
        try:
            asyncio.run(asyncio.wait_for(drive(server.url, sessions, per, extra,
                                               env if args.rebuild_during else None, rebuild), args.timeout))
        except TimeoutError:
            sessions[0].errors.append(f"the run passed its {args.timeout:.0f} s limit")
        report.rebuild = rebuild or None
        log = server.log()
    finally:
        server.stop()
        if claude is not None:
            report.model_requests = len(claude.requests)
            claude.stop()
    report.seconds = round(time.perf_counter() - start, 1)
    answers = [a for s in sessions for a in s.answer_s]
    boxes = [s.first_box_s for s in sessions if s.first_box_s is not None]
    report.answered = len(answers)
    report.errors = sum(len(s.errors) for s in sessions)
    report.exceptions = sum(len(s.exceptions) for s in sessions)
    report.answer_p50_s, report.answer_p95_s = round(_pct(answers, 0.5), 2), round(_pct(answers, 0.95), 2)
    report.first_box_p50_s = round(statistics.median(boxes), 2) if boxes else 0.0
    report.first_box_max_s = round(max(boxes), 2) if boxes else 0.0
    report.rss_peak_mb = round(max(server.peak_rss, report.rss_start_mb), 1)
    waits = [float(x) for x in re.findall(r"lock wait: ([\d.]+) ms", log)]
    report.lock_waits, report.lock_wait_ms = len(waits), round(sum(waits), 1)
    report.database_locked = log.count("database is locked")
    report.index_opened = len(re.findall(r"search index g\d+ opened", log))
    report.index_built = len(re.findall(r"search index g\d+ built", log))
    report.details = [asdict(s) for s in sessions if s.errors or s.exceptions]
    shutil.rmtree(tmp, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> list[Report]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", "-n", default="4", help="sessions at once; a list (1,4,8) runs one server each")
    ap.add_argument("--questions", "-m", type=int, default=3)
    ap.add_argument("--home", help="a MENTOR_HOME to copy (with its index); default: a fresh one, built on first use")
    ap.add_argument("--corpus", help="MENTOR_CORPUS for the server (default: the course in corpus/)")
    ap.add_argument("--claude", action="store_true", help="answer through the loopback Claude server")
    ap.add_argument("--rebuild-during", action="store_true",
                    help="run `mentor index --rebuild` once the first answer is in; sessions keep asking "
                    "until it has finished, then once more")
    ap.add_argument("--port", type=int, default=0, help="the app's port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds for each server's run")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    reports = []
    for n in counts:
        reports.append(run(args, n))
        if not args.json:
            _print(reports[-1], reports[0])
    if args.json:
        print(json.dumps([asdict(r) for r in reports], indent=2))
    return reports


def _print(r: Report, base: Report) -> None:
    ratio = f" ({r.answer_p50_s / base.answer_p50_s:.1f}x the p50 of {base.sessions})" if (
        r is not base and base.answer_p50_s) else ""
    print(f"{r.sessions} sessions x {r.questions} questions ({r.provider}, load average {r.load_average}): "
          f"{r.answered} answered, {r.errors} errors, {r.exceptions} page exceptions; answer p50 {r.answer_p50_s} s"
          f"{ratio}, p95 {r.answer_p95_s} s; first chat box p50 {r.first_box_p50_s} s, max {r.first_box_max_s} s; "
          f"server RSS {r.rss_start_mb} MB at start, peak {r.rss_peak_mb} MB; {r.lock_waits} SQLite lock "
          f"waits ({r.lock_wait_ms} ms), {r.database_locked} 'database is locked'; index opened "
          f"{r.index_opened}x, built {r.index_built}x in the server; {r.seconds} s"
          + (f"; {r.model_requests} requests to the loopback Claude" if r.provider == "anthropic" else ""), flush=True)
    if r.rebuild:
        print(f"  `mentor index --rebuild` during the run: {r.rebuild}", flush=True)
    for d in r.details:
        print(f"  session {d['n']}: errors {d['errors']} exceptions {d['exceptions']}", flush=True)


if __name__ == "__main__":
    main()
