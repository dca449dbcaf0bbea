"""python -m broadcast runs the loaxa CLI."""

from broadcast.cli import main

main()
