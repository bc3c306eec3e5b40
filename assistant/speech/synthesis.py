"""Spoken prompts: text to a WAV in the pupil's voice and rate, cached on disk.

pyttsx3 (espeak-ng) runs in one worker process started with "spawn": it hangs after a fork
and crashes when two threads synthesise at once (both seen here with espeak-ng).
The worker takes one request at a time behind a lock, each with a timeout; a stuck or dead
worker is killed, the caller gets `SpeechUnavailable`, and the next request starts a fresh one.
Nothing starts at import: the worker starts on the first uncached request.

WAVs are 22 050 Hz mono 16-bit (hard-coded in pyttsx3), cached under `cache_dir` by the
sha256 of (text, voice, rate), so a repeated prompt needs no worker at all, even after a
restart. The voice in the key is the one asked for (normalised), not the resolved one.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from assistant.errors import DomainError, InvalidInput, NotFound

log = logging.getLogger(__name__)

DEFAULT_VOICE = "en-gb"
DEFAULT_RATE = 140
MIN_RATE, MAX_RATE = 80, 220  # espeak-ng's floor; above 220 no pupil here can follow
MAX_TEXT_CHARS = 500
SAMPLE_RATE = 22050
ATTEMPTS = 3  # the worker's retries when a WAV comes out missing or unreadable
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SpeechUnavailable(DomainError):
    """Speech could not be made now (the worker failed, died or is busy); try again."""


class SpeechTimeout(SpeechUnavailable):
    """The worker did not answer in time; it has been killed and will be restarted."""


# ---------------------------------------------------------------- plain helpers


def clean_text(text: object) -> str:
    """The text to speak, whitespace collapsed; InvalidInput if empty, too long or not a string."""
    if not isinstance(text, str):
        raise InvalidInput("The text to speak must be a string.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The text to speak is longer than {MAX_TEXT_CHARS} characters.")
    text = " ".join(CONTROL_CHARS.sub(" ", text).split())
    if not text:
        raise InvalidInput("There is no text to speak.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The text to speak is longer than {MAX_TEXT_CHARS} characters.")
    return text


def clamp_rate(rate: object) -> int:
    """Words per minute within MIN_RATE..MAX_RATE; anything unreadable becomes DEFAULT_RATE."""
    try:
        value = int(rate)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_RATE
    return max(MIN_RATE, min(MAX_RATE, value))


def cache_key(text: str, voice: str, rate: int) -> str:
    """The sha256 naming a cached WAV (JSON keeps the three fields apart)."""
    return hashlib.sha256(json.dumps([text, voice, rate]).encode("utf-8")).hexdigest()


def resolve_voice(asked: str, voices: list[tuple[str, list[str]]], variants: list[str]) -> str:
    """An espeak voice id (plus "+variant") from a name such as "en-gb", "gmw/en" or "en-gb+f3".

    `voices` are (id, languages) pairs from the worker, `variants` names such as "f3".
    MBROLA ("mb/") voices cannot be used here; an unknown name gives the en-gb default, an
    unknown variant is dropped (espeak would silently keep the previous voice).
    """
    names: dict[str, str] = {}
    for voice_id, _languages in voices:
        if voice_id.lower().startswith("mb/"):
            continue
        names.setdefault(voice_id.lower(), voice_id)
    for voice_id, languages in voices:
        if not voice_id.lower().startswith("mb/"):
            for language in languages:
                names.setdefault(language.lower(), voice_id)
    for voice_id, _ in voices:
        if not voice_id.lower().startswith("mb/"):
            names.setdefault(voice_id.lower().rsplit("/", 1)[-1], voice_id)
    base, _, variant = asked.strip().lower().partition("+")
    default = names.get(DEFAULT_VOICE) or next(iter(names.values()), DEFAULT_VOICE)
    voice_id = names.get(base)
    if voice_id is None:
        log.warning("unknown voice %r; using %s", asked[:50], default)
        voice_id = default
    known_variants = {v.lower(): v for v in variants}
    if variant:
        if variant in known_variants:
            return f"{voice_id}+{known_variants[variant]}"
        log.warning("unknown voice variant %r; dropped", variant[:50])
    return voice_id


def wav_seconds(data: bytes | str | Path) -> float:
    """The length of a WAV (bytes or a path) in seconds; wave.Error if it does not parse."""
    source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    with wave.open(source, "rb") as wav:
        return wav.getnframes() / wav.getframerate()


# ---------------------------------------------------------------- the worker process


def serve(conn) -> None:
    """The worker's main loop (runs in the spawned process): one request at a time.

    Sends a hello {"voices": [(id, languages)], "variants": [...]} first, then answers each
    {"text", "voice", "rate", "path"} with {"ok": True, "attempts": n} or {"ok": False, "error"}.
    Returns when the parent closes the pipe.
    """
    # pyttsx3 prints "Audio saved to ..." on every save, and hangs if stdout is a broken pipe.
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)
    # pyttsx3 is loaded in the worker process only, after stdout is replaced.
    import pyttsx3
    from pyttsx3.drivers import _espeak

    engine = pyttsx3.init("espeak")
    # init queues a voice and 200 wpm in espeak's async FIFO; under load the first synthesis
    # then came out at 200 wpm (9 of 300 cold starts), so flush them with a throwaway one.
    handle, scratch = tempfile.mkstemp(prefix="speech-warmup-", suffix=".wav")
    os.close(handle)
    try:
        _synthesise_to_file(engine, _espeak, "Ready.", DEFAULT_VOICE, DEFAULT_RATE, scratch)
    finally:
        os.remove(scratch)
    voices = [(v.id, list(v.languages or [])) for v in engine.getProperty("voices")]
    spec = _espeak.VOICE()
    spec.languages = b"variant"
    variants = [v.identifier.decode("utf-8").rsplit("/", 1)[-1] for v in _espeak.ListVoices(spec)]
    conn.send({"voices": voices, "variants": variants})
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            attempts = _synthesise_to_file(engine, _espeak, **request)
            conn.send({"ok": True, "attempts": attempts})
        except Exception as error:  # the parent decides; never say the text back
            conn.send({"ok": False, "error": type(error).__name__})


def _synthesise_to_file(engine, espeak, text: str, voice: str, rate: int, path: str) -> int:
    """The safe pattern from the notes: set, wait for espeak's queue, save, verify, retry."""
    for attempt in range(1, ATTEMPTS + 1):
        if os.path.exists(path):
            os.remove(path)
        engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)
        # Settings wait in espeak's async FIFO; runAndWait would cancel them if still queued.
        deadline = time.monotonic() + 2
        while espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.002)
        engine.save_to_file(text, path)
        engine.runAndWait()
        try:
            with wave.open(path, "rb") as wav:
                if wav.getnframes() > 0 and wav.getframerate() == SAMPLE_RATE:
                    return attempt
        except (OSError, EOFError, wave.Error):
            pass
    raise RuntimeError(f"no readable WAV after {ATTEMPTS} attempts")


# ---------------------------------------------------------------- the parent's side


class Synthesiser:
    """Text to cached WAV bytes through one pyttsx3 worker process, safe to share between threads.

    `target` is the worker's main function (tests pass a fake that hangs or dies); it gets the
    child end of a Pipe. `worker_calls` counts requests sent to the worker (cache misses).
    """

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        timeout: float = 10.0,
        start_timeout: float = 30.0,
        target: Callable = serve,
        max_bytes: int | None = None,
    ):
        self.cache_dir = Path(cache_dir)
        self.max_bytes = max_bytes  # the cache is trimmed (oldest first) to this size
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.worker_calls = 0
        self.worker_starts = 0
        self._target = target
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._warm_lock = threading.Lock()  # never wait behind a synthesis just to queue a warm-up
        self._process = None
        self._conn = None
        self._voices: list[tuple[str, list[str]]] = []
        self._variants: list[str] = []
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    # -- public

    def synthesise(self, text: object, voice: str = DEFAULT_VOICE, rate: object = DEFAULT_RATE) -> bytes:
        """WAV bytes for `text`, from the cache or the worker.

        InvalidInput for bad text; SpeechTimeout / SpeechUnavailable when the worker fails
        (it is killed and restarted on the next call). Waits at most about two timeouts.
        """
        path = self.cached_path(text, voice, rate)
        data = _read(path)
        if data is not None:
            return data
        if not self._lock.acquire(timeout=self.timeout):
            raise SpeechUnavailable("Speech is busy; please try again.")
        try:
            data = _read(path)  # another thread may have made it while this one waited
            if data is None:
                self._synthesise_locked(clean_text(text), str(voice or DEFAULT_VOICE), clamp_rate(rate), path)
                data = _read(path)
            if data is None:
                raise SpeechUnavailable("Speech could not be made; please try again.")
            return data
        finally:
            self._lock.release()

    def cached_path(self, text: object, voice: str = DEFAULT_VOICE, rate: object = DEFAULT_RATE) -> Path:
        """Where the WAV for (text, voice, rate) is or will be cached (validates the text)."""
        key = cache_key(clean_text(text), _voice_key(voice), clamp_rate(rate))
        return self.cache_dir / key[:2] / f"{key}.wav"

    def warm(self, texts: Iterable[object], voice: str = DEFAULT_VOICE, rate: object = DEFAULT_RATE) -> Future:
        """Synthesise `texts` in the background (one thread), so the first prompts play at once.

        Invalid texts are skipped and failures logged; the Future's result is how many are
        now cached.
        """
        texts = list(texts)
        with self._warm_lock:
            if self._closed:
                raise SpeechUnavailable("Speech has been shut down.")
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech-warm")
            return self._executor.submit(self._warm, texts, voice, rate)

    def close(self) -> None:
        """Stop the background thread and the worker process (idempotent)."""
        with self._warm_lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self._stop_worker(graceful=True)

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id, or None when no worker is running."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def __enter__(self) -> Synthesiser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals (called with self._lock held)

    def _warm(self, texts: list, voice: str, rate: object) -> int:
        ready = 0
        for text in texts:
            try:
                self.synthesise(text, voice, rate)
                ready += 1
            except InvalidInput:
                log.debug("warm: skipped an invalid text")
            except SpeechUnavailable as error:
                log.warning("warm: %s", error.message)
        return ready

    def _synthesise_locked(self, text: str, voice: str, rate: int, path: Path) -> None:
        if self._closed:
            raise SpeechUnavailable("Speech has been shut down.")
        self._ensure_worker()
        resolved = resolve_voice(voice, self._voices, self._variants)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.stem[:16]}-", suffix=".wav", dir=path.parent)
        os.close(handle)
        try:
            self.worker_calls += 1
            reply = self._ask({"text": text, "voice": resolved, "rate": rate, "path": temp})
            if not reply.get("ok"):
                log.warning("speech worker failed: %s", reply.get("error"))
                raise SpeechUnavailable("Speech could not be made; please try again.")
            wav_seconds(temp)  # never cache a file that does not parse
            os.replace(temp, path)  # atomic: readers see the whole WAV or none
            if self.max_bytes is not None:
                trim_cache(self.cache_dir, self.max_bytes, keep=path)
            log.debug(
                "spoke %s (voice %s, rate %s, %s attempt(s))", path.stem[:12], resolved, rate, reply.get("attempts")
            )
        except (OSError, EOFError, wave.Error) as error:
            log.warning("speech worker wrote no readable WAV: %s", type(error).__name__)
            raise SpeechUnavailable("Speech could not be made; please try again.") from error
        finally:
            if os.path.exists(temp):
                os.remove(temp)

    def _ask(self, request: dict) -> dict:
        try:
            self._conn.send(request)
            if not self._conn.poll(self.timeout):
                log.warning("speech worker took over %.1f s; killing it", self.timeout)
                self._stop_worker()
                raise SpeechTimeout("Speech took too long; please try again.")
            return self._conn.recv()
        except (EOFError, OSError) as error:
            log.warning("speech worker died (%s); it will be restarted", type(error).__name__)
            self._stop_worker()
            raise SpeechUnavailable("Speech stopped working; please try again.") from error

    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._stop_worker()
        parent, child = self._context.Pipe()
        process = self._context.Process(target=self._target, args=(child,), name="speech-out", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self.worker_starts += 1
        try:
            if not parent.poll(self.start_timeout):
                raise SpeechTimeout("Speech did not start in time; please try again.")
            hello = parent.recv()
        except (EOFError, OSError) as error:
            self._stop_worker()
            raise SpeechUnavailable("Speech could not start; please try again.") from error
        except SpeechTimeout:
            self._stop_worker()
            raise
        self._voices = [(str(v), list(langs)) for v, langs in hello.get("voices", [])]
        self._variants = [str(v) for v in hello.get("variants", [])]
        log.info("speech worker %s started (%d voices)", process.pid, len(self._voices))

    def _stop_worker(self, graceful: bool = False) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()  # a healthy worker sees EOF and returns
        if process is None:
            return
        if graceful:
            process.join(2)
        if process.is_alive():
            process.kill()
        process.join(5)
        if process.exitcode is not None:  # close() refuses a process that somehow survived kill
            process.close()


def trim_cache(cache_dir: Path, max_bytes: int, keep: Path | None = None) -> int:
    """Remove the least recently written WAVs until the cache holds at most `max_bytes`
    (never `keep`, the file just made); return how many were removed."""
    files = []
    for path in Path(cache_dir).glob("*/*.wav"):
        try:
            stat = path.stat()
        except OSError:  # removed meanwhile
            continue
        files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes:
            break
        if keep is not None and path == keep:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


def _voice_key(voice: object) -> str:
    return " ".join(str(voice or DEFAULT_VOICE).lower().split())


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data or None


# English voices of espeak-ng a school may pick, by the name resolve_voice understands, with
# plain labels; and two variants of each. Offered only when their files are installed.
ENGLISH_VOICES = {
    "en-gb": "English (England)",
    "en-gb-x-rp": "English (received pronunciation)",
    "en-gb-scotland": "English (Scotland)",
    "en-gb-x-gbclan": "English (Lancashire)",
    "en-gb-x-gbcwmd": "English (West Midlands)",
    "en-us": "English (America)",
    "en-029": "English (Caribbean)",
}
VOICE_FILES = {
    "en-gb": "en",
    "en-gb-x-rp": "en-GB-x-rp",
    "en-gb-scotland": "en-GB-scotland",
    "en-gb-x-gbclan": "en-GB-x-gbclan",
    "en-gb-x-gbcwmd": "en-GB-x-gbcwmd",
    "en-us": "en-US",
    "en-029": "en-029",
}
VOICE_VARIANTS = {"": "", "f3": ", higher", "m3": ", lower"}
ESPEAK_DATA = (
    Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data"),
    Path("/usr/share/espeak-ng-data"),
    Path("/usr/lib/aarch64-linux-gnu/espeak-ng-data"),
)


def installed_voices(data_dirs: Iterable[Path] = ESPEAK_DATA, current: str = "") -> list[tuple[str, str]]:
    """(value, label) of each voice a profile may choose, from the espeak-ng files on this
    computer; the pupil's current voice stays offered even if it is not among them."""
    data = next((d for d in data_dirs if (d / "lang").is_dir()), None)
    out: list[tuple[str, str]] = []
    if data is not None:
        for name, label in ENGLISH_VOICES.items():
            if not (data / "lang" / "gmw" / VOICE_FILES[name]).is_file():
                continue
            for variant, suffix in VOICE_VARIANTS.items():
                if variant and not (data / "voices" / "!v" / variant).is_file():
                    continue
                out.append((f"{name}+{variant}" if variant else name, label + suffix))
    if not out:
        out.append((DEFAULT_VOICE, ENGLISH_VOICES[DEFAULT_VOICE]))
    if current and current not in {value for value, _ in out}:
        out.insert(0, (current, f"{current} (as set before)"))
    return out


VOICE_SAMPLE = "Hello! This is how I will sound on the tablet."


def voice_sample(synthesiser: Synthesiser, voice: str, rate: int | None = None) -> bytes:
    """A short sample (WAV) of an installed voice at a rate, for the profile form's "hear it"
    button; NotFound for a voice not on this computer."""
    if voice not in {value for value, _ in installed_voices()}:
        raise NotFound("No such voice on this computer.")
    return synthesiser.synthesise(VOICE_SAMPLE, voice=voice, rate=rate or DEFAULT_RATE)
