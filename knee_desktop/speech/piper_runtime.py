"""The app's own Piper runtime: a Piper voice (.onnx + .onnx.json) spoken without piper-tts.

piper-tts is GPL-3.0-or-later; what it does for a voice is small, so this does it with
permissively licensed parts only:

1. Phonemes: libespeak-ng (the library pyttsx3 already uses; GPL-3 too, but a separate
   system library loaded with ctypes, as pyttsx3 does, not a Python dependency), in IPA,
   one clause at a time (``espeak_TextToPhonemes``), the voice's ``espeak.voice``; the
   clause's punctuation is kept as Piper's training did (",", ".", "?"...), "(en)"
   language-switch marks dropped.
2. Ids: the config's ``phoneme_id_map``: "^", then every phoneme (NFD code points) followed
   by the pad "_", then "$". One sentence at a time, as Piper does.
3. Sound: onnxruntime (MIT) with ``input``, ``input_lengths``, ``scales`` = (noise,
   length, noise_w) (and ``sid`` for a many-speaker voice); each sentence peak-normalised.

Deterministic: rendered with noise = noise_w = 0 (natural.py says why).
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
PHONEMES_IPA = 0x02
CLAUSE = re.compile(r"([^.,;:!?]*)([.,;:!?]*)")
SENTENCE_END = {".", "!", "?"}


class Phonemizer:
    """espeak-ng's IPA phonemes through ctypes, one process-wide engine."""

    def __init__(self, voice: str) -> None:
        self.lib = ctypes.CDLL(os.environ.get("KNEE_DESKTOP_ESPEAK_LIB", "libespeak-ng.so.1"))
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                               ctypes.c_int]
        if self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0) < 0:
            raise RuntimeError("espeak-ng could not start (is espeak-ng-data installed?)")
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {voice!r} for the phonemes")
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p),
                                                   ctypes.c_int, ctypes.c_int]

    def clause(self, text: str) -> str:
        """The IPA of one clause without punctuation (espeak may still split it)."""
        data = ctypes.c_char_p(text.encode("utf-8"))
        ptr = ctypes.cast(ctypes.pointer(data), ctypes.POINTER(ctypes.c_char_p))
        parts = []
        while ptr.contents.value:
            raw = self.lib.espeak_TextToPhonemes(ptr, CHARS_UTF8, PHONEMES_IPA)
            if raw:
                parts.append(raw.decode("utf-8", "replace"))
        return re.sub(r"\([^)]*\)", "", " ".join(parts))

    def sentences(self, text: str) -> Iterator[str]:
        """The phonemes of each sentence, with Piper's punctuation."""
        current = ""
        for words, marks in CLAUSE.findall(text):
            if not words.strip() and not marks:
                continue
            phonemes = self.clause(words) if words.strip() else ""
            mark = marks[:1]
            current += phonemes + mark
            if mark in SENTENCE_END:
                yield current
                current = ""
            elif mark:
                current += " "
        if current.strip():
            yield current


class PiperVoice:
    """One voice: its config, its onnxruntime session (one thread per core)."""

    def __init__(self, model: Path) -> None:
        import onnxruntime

        self.config: dict[str, Any] = json.loads(
            model.with_name(model.name + ".json").read_text(encoding="utf-8"))
        self.rate = int(self.config["audio"]["sample_rate"])
        self.ids: dict[str, list[int]] = self.config["phoneme_id_map"]
        self.speakers = int(self.config.get("num_speakers", 1))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                                    providers=["CPUExecutionProvider"])
        self.phonemizer = Phonemizer(str(self.config.get("espeak", {}).get("voice", "en-us")))

    def phoneme_ids(self, phonemes: str) -> list[int]:
        ids = [*self.ids["^"], *self.ids["_"]]
        for p in unicodedata.normalize("NFD", phonemes):
            if p in self.ids:
                ids += [*self.ids[p], *self.ids["_"]]
        return [*ids, *self.ids["$"]]

    def synthesize(self, text: str, length_scale: float) -> list[int]:
        """16-bit samples at :attr:`rate` of ``text``, sentence after sentence."""
        import numpy as np

        out: list[int] = []
        for phonemes in self.phonemizer.sentences(text):
            ids = np.array([self.phoneme_ids(phonemes)], dtype=np.int64)
            feed = {"input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
                    "scales": np.array([0.0, length_scale, 0.0], dtype=np.float32)}
            if self.speakers > 1:
                feed["sid"] = np.array([0], dtype=np.int64)
            audio = np.asarray(self.session.run(None, feed)[0], dtype=np.float32).squeeze()
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            if peak > 1e-8:
                audio = audio / peak
            out += (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tolist()
        return out
