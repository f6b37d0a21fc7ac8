"""Reading the project's YAML data files (the salon profile, the vocabulary, evaluation sets).

One rule for all of them: a file that is missing, unreadable or not YAML is refused with a
sentence naming the file, raised as the caller's own error type, so a command can print it
instead of a traceback.
"""

from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: str | Path, what: str, error: type[Exception]) -> Any:
    """The parsed contents of `path`; `error` with a sentence ("There is no <what> at …", "The
    <what> at … cannot be read: …") when there is nothing usable to parse."""
    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"There is no {what} at {path}.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"The {what} at {path} cannot be read: {exc}") from None
