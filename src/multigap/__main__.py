"""``python -m multigap``: the command-line interface (same as the ``multigap`` script)."""

from .cli import main

if __name__ == "__main__":  # pragma: no branch
    main(prog_name="multigap")
