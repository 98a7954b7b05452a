"""``python -m planner.cli``: the same as the ``planner`` console script."""

from planner.cli import main

main()
