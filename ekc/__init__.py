"""ekc: Eigen Kracht-conferenties over a git repository of plain YAML files."""

__version__ = "0.1.0"

# True once `ekc.cli.app.main` runs: the process ends after this one command, so what a load
# built may be kept out of the cyclic collector for good (ekc/store/loader.py, `load`). A
# program or test that imports ekc keeps the default.
ONE_COMMAND_PROCESS = False


def _quiet_interrupt_while_starting() -> None:
    """A Ctrl-C while the command is still importing its modules: exit 130 with one line,
    not a traceback. Only for the `ekc` program itself (its console script, `python -m
    ekc`), never for a program that imports ekc; `ekc.cli.app.main` hands SIGINT back."""
    import os
    import signal
    import sys

    argv = getattr(sys, "orig_argv", [])
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program != "ekc" and list(argv[1:3]) != ["-m", "ekc"]:
        return

    def stop(*_: object) -> None:
        os.write(2, b"ekc: interrupted\n")
        os._exit(130)

    try:
        signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread
        pass


_quiet_interrupt_while_starting()
