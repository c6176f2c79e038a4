"""Normalising names and tickers so that lookups ignore case, width and spacing.

>>> normalize("  ＩＮＮＯＬＩＧＨＴ ")
'innolight'
>>> normalize("中际旭创（推荐）")
'中际旭创(推荐)'
>>> ticker_keys("0763.HK")
('763.hk', '763')
>>> ticker_keys("sz300308")
('300308.sz', '300308')
>>> ticker_keys("BABA")
('baba', 'baba')
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_PREFIXED = re.compile(r"^(sh|sz|bj|hk)(\d{3,6})$")
_SUFFIXED = re.compile(r"^(\d{1,6})\.(sh|sz|bj|hk|ss)$")


def normalize(text: str) -> str:
    """Fold width (NFKC), case and whitespace: the key every lookup compares."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def ticker_keys(ticker: str) -> tuple[str, str]:
    """(full key, bare code) of a ticker. HK codes lose leading zeros: 0700 == 00700 == 700."""
    t = normalize(ticker)
    m = _PREFIXED.match(t)
    if m:
        t = f"{m.group(2)}.{m.group(1)}"
    m = _SUFFIXED.match(t)
    if not m:
        return t, t
    code, exchange = m.groups()
    exchange = "sh" if exchange == "ss" else exchange
    if exchange == "hk":
        code = code.lstrip("0") or "0"
    return f"{code}.{exchange}", code


def query_keys(text: str) -> list[str]:
    """The keys a user's query may match: itself, as a ticker, and as a bare HK code.

    A query that names its exchange matches that listing only; a bare code of up to five
    digits may also be an HK code written with leading zeros.

    >>> query_keys("000700.SZ"), query_keys("00700"), query_keys("000063")
    (['000700.sz'], ['00700', '700'], ['000063'])
    """
    keys = [normalize(text)]
    full, bare = ticker_keys(text)
    if full != bare:  # an exchange is named: 0700.HK is 700.hk, never an A-share 000700
        candidates = [full]
    elif bare.isdigit() and len(bare) <= 5:
        candidates = [bare, bare.lstrip("0")]
    else:
        candidates = [bare]
    for k in candidates:
        if k and k not in keys:
            keys.append(k)
    return keys
