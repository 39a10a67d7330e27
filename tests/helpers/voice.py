"""Audio for the voice input tests: a real WAV file, and a stand-in recorder on the PATH."""

from __future__ import annotations

import math
import stat
import struct
import sys
import wave
from pathlib import Path


def write_wav(path: Path, seconds: float = 0.5, rate: int = 16000) -> Path:
    """A 16-bit mono WAV file of a 440 Hz tone."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


RECORDER = """#!{python}
# A stand-in for ALSA's arecord where no microphone is: it writes a tone to the file named
# last, as arecord writes what it hears, once SIGINT ends the recording.
import signal, sys
sys.path.insert(0, {root!r})
from tests.helpers.voice import write_wav
from pathlib import Path
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
Path({started!r}).write_text(" ".join(sys.argv[1:]))
signal.sigwait([signal.SIGINT])
write_wav(Path(sys.argv[-1]))
"""


def install_recorder(bin_dir: Path) -> Path:
    """An ``arecord`` in ``bin_dir`` that records a tone until SIGINT; the file it writes
    its arguments to once it runs (so a test can wait for it to have started)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    started = bin_dir / "arecord.started"
    script = bin_dir / "arecord"
    root = str(Path(__file__).resolve().parents[2])
    script.write_text(RECORDER.format(python=sys.executable, root=root, started=str(started)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return started
