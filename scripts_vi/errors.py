"""Errors a person can cause while handing text to scripts_vi."""


class ScriptError(Exception):
    """A problem with a script or file, described in one Vietnamese sentence."""


class UnknownEncoding(ScriptError):
    """The bytes are not text in any encoding we can recognise."""


class ImportFailed(ScriptError):
    """A file could not be imported as a script."""


class BadHeader(ScriptError):
    """The front-matter header of a script file is malformed."""


class ToolMissing(ScriptError):
    """A program needed to read a kind of file is not installed."""


class ConversionFailed(ScriptError):
    """A program that reads a kind of file could not read this one."""
