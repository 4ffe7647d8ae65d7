"""The katas: one folder per kata, katas/<track>/<name>/, each with kata.py (the statement and the
stub you fill in), test_kata.py (its tests) and kata.toml (its metadata)."""
