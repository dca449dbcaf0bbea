"""Pure Vietnamese text tools: cleaning, legacy encodings, import, script files, normalisation."""
