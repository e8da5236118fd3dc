"""The `rocu` console script: Django's manage.py under rocu's name.

`rocu help` lists the commands, as `manage.py help` does.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rocu.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "rocu"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
