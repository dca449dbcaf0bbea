"""python -m broadcast runs the loaxa CLI."""

from loaxa.cli import main

main()
