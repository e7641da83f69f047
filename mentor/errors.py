"""The errors a learner sees: one family, each message says how to fix the problem."""


class MentorError(Exception):
    """Something went wrong that the learner should be told about."""

    exit_code = 1


class InputError(MentorError):
    """The input cannot be used as given (empty, too large, binary, unparsable)."""

    exit_code = 2


class ConfigError(MentorError):
    """An environment variable has a value the program cannot use."""

    exit_code = 2


class NeedsKeyError(MentorError):
    """A cloud provider was asked for but no API key is configured."""

    exit_code = 2


class ProviderError(MentorError):
    """A model provider failed (timeout, rate limit, overload, bad response)."""

    def __init__(self, message: str, *, provider: str = "", status: int | None = None, retryable: bool = True):
        super().__init__(message)
        self.provider = provider
        self.status = status
        self.retryable = retryable


class StoreBusyError(MentorError):
    """The history database stayed locked longer than the busy timeout."""


class IndexBrokenError(MentorError):
    """The search index is missing or unusable."""
