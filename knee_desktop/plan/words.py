"""Numbers as spoken words, so counts read and render the same everywhere."""

from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """0 … 9999 as English words: 21 -> "twenty-one", 110 -> "one hundred ten"."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is out of range")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{number_words(thousands)} thousand" + (f" {number_words(rest)}" if rest else "")


def seconds_words(seconds: float) -> str:
    """12 -> "twelve seconds", 1 -> "one second", 2.5 -> "2.5 seconds"."""
    if float(seconds).is_integer():
        n = int(seconds)
        return f"{number_words(n)} second" + ("" if n == 1 else "s")
    return f"{seconds:g} seconds"


def first_sentence(text: str) -> str:
    """"Release. Find another tender spot." -> "Release.": what the last of several
    presses says, so that it does not send the person to find another spot."""
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
