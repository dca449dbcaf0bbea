"""The composition root: the `loaxa` command line, the only code that imports both scheduler/ and web/."""
