.PHONY: run test lint index eval bench

run:  ## install, index and serve on http://127.0.0.1:8501
	scripts/run

test:  ## install and run the whole test suite
	scripts/test

lint:
	.venv/bin/ruff check mentor views tests app.py scripts

index:
	.venv/bin/mentor index

eval:  ## retrieval quality and latency against baselines
	.venv/bin/mentor eval

bench:  ## cold CLI times, embedding runtimes, index build and re-index times, answer latency, several tabs at once, cache calibration, routing cost
	.venv/bin/python scripts/bench_cli.py
	.venv/bin/python scripts/bench_embeddings.py
	.venv/bin/python scripts/bench_index.py
	.venv/bin/python scripts/bench_answers.py
	.venv/bin/python scripts/load_test.py --sessions 4 --questions 2
	.venv/bin/python -m mentor.cache
	.venv/bin/mentor route-report
