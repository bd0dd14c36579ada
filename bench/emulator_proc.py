"""The benchmarks' emulator process: `python -m bench.emulator_proc PORT` runs
`chalicelib.local.emulator.start(PORT)` until it is terminated (SIGTERM)."""
from __future__ import annotations

import signal
import sys
import threading


def main() -> None:
    from bench.common import set_env

    set_env()
    from chalicelib.local import emulator

    server = emulator.start(int(sys.argv[1]))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
