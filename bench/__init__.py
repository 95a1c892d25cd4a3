"""The benchmarks: plain scripts (``python bench/NAME.py``), and ``python -m bench`` to run them
all as one suite and write ``bench/RESULTS.md`` (see ``bench/run.py``)."""
