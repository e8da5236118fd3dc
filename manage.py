#!/usr/bin/env python
"""Django's command-line utility; the same as the `rocu` console script."""

from rocu.cli import main

if __name__ == "__main__":
    main()
