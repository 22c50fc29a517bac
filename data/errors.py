"""One exception type for every data problem a user can fix, so the CLI and the app can show it plainly."""


class DataError(Exception):
    """A problem with an input file or catalogue, described in one plain sentence.

    The message names the file (or catalogue entry) and what is wrong with it, so that the CLI can
    print it without a traceback and the app can show it instead of a stack trace.
    """
