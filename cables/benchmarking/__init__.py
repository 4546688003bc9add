"""Synthetic corpora and the benchmark: how fast the archive imports, how much it holds, how
quickly it answers. ``generator`` writes corpora, ``runner`` measures, ``urls`` lists what the
benchmark requests, ``latency`` times the requests."""
