"""From slots and campaigns to planned broadcasts: pure rules, the loader and the writer."""
