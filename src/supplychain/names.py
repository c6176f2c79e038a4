"""Lookup keys of names and tickers: lookups ignore case, width, spacing, invisible format
characters and the difference between traditional and simplified Chinese.

>>> normalize("  ＩＮＮＯＬＩＧＨＴ ")
'innolight'
>>> normalize("中际旭创（推荐）")
'中际旭创(推荐)'
>>> normalize("中際旭創") == normalize("中际\\u200b旭创") == normalize("\\u202e中际旭创") == "中际旭创"
True
>>> ticker_keys("0763.HK")
('763.hk', '763')
>>> ticker_keys("sz300308")
('300308.sz', '300308')
>>> ticker_keys("BABA")
('baba', 'baba')

A key is only for comparing: names keep the form the graph already has.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PREFIXED = re.compile(r"^(sh|sz|bj|hk)(\d{3,6})$")
_SUFFIXED = re.compile(r"^(\d{1,6})\.(sh|sz|bj|hk|ss)$")
_US_SUFFIXED = re.compile(r"^([a-z][a-z0-9]{0,5})\.(o|oq|n|a|us)$")
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
"""Every format character (Unicode category Cf, as of Unicode 15), for cleaning names fast."""
_BLOOMBERG = re.compile(r"^\s*([0-9A-Za-z]{1,6})\s+(CH|C1|C2|CS|HK|US|UW|UQ|UN|UA)\s*(?:EQUITY)?\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------- the key table


class _KeyTable(dict):
    """``str.translate`` table, filled one code point at a time on first sight: format
    characters (Unicode category Cf: zero-width spaces, bidi overrides, soft hyphens …)
    go, traditional Chinese characters become simplified (OpenCC's ``t2s``, character by
    character, so the table is a plain dict lookup after the first sight of a character;
    OpenCC on every name would cost 3 µs a name)."""

    _converter = None

    def __missing__(self, cp: int):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cf":
            out = None
        elif unicodedata.category(ch) == "Lo" and unicodedata.east_asian_width(ch) == "W":
            out = self._t2s(ch)
        else:
            out = ch
        self[cp] = out
        return out

    @classmethod
    def _t2s(cls, ch: str) -> str:
        if cls._converter is None:
            import opencc  # imported on the first CJK character only

            cls._converter = opencc.OpenCC("t2s")
        out = cls._converter.convert(ch)
        return out if len(out) == 1 else ch


_TABLE = _KeyTable()


def normalize(text: str) -> str:
    """The key every lookup compares: NFKC (width), traditional → simplified Chinese,
    format characters (Cf) dropped, whitespace dropped, case folded.

    >>> normalize("工業富聯"), normalize("Foxconn  Industrial\\u00adInternet")
    ('工业富联', 'foxconnindustrialinternet')
    """
    if text.isascii():
        return "".join(text.split()).casefold()
    return "".join(unicodedata.normalize("NFKC", text).translate(_TABLE).split()).casefold()


def format_characters(text: str) -> list[str]:
    """The invisible format characters (Unicode category Cf) in ``text``, as ``U+XXXX``.

    >>> format_characters("中际\\u200b旭创\\u202e"), format_characters("中际旭创")
    (['U+200B', 'U+202E'], [])
    """
    if text.isascii():
        return []
    return [f"U+{ord(c):04X}" for c in _FORMAT.findall(text)]


def strip_format(text: str) -> str:
    """``text`` without format characters (Cf).

    >>> strip_format("a\u200bb\u202ec")
    'abc'
    """
    return text if text.isascii() else _FORMAT.sub("", text)


def clean_name(text: str) -> str:
    """A name as a new node keeps it: without format characters, trimmed.

    >>> clean_name(" 中际\\u200b旭创\\u202e ")
    '中际旭创'
    """
    if not text.isascii():
        text = _FORMAT.sub("", text)
    return text.strip()


# --------------------------------------------------------------------------- tickers


def a_share_exchange(code: str) -> str | None:
    """``sh``, ``sz`` or ``bj`` for a six-digit mainland code, from its leading digits
    (6/9/5 Shanghai, 0/1/2/3 Shenzhen, 4/8/92 Beijing); None for anything else.

    >>> a_share_exchange("601138"), a_share_exchange("300308"), a_share_exchange("920099"), a_share_exchange("0700")
    ('sh', 'sz', 'bj', None)
    """
    if len(code) != 6 or not code.isdigit():
        return None
    if code.startswith("92") or code[0] in "48":
        return "bj"
    if code[0] in "569":
        return "sh"
    return "sz"


def ticker_keys(ticker: str) -> tuple[str, str]:
    """(full key, bare code) of a ticker in any common spelling.

    HK codes lose leading zeros (0700 == 00700 == 700); Bloomberg's ``CH``/``C1``/``C2``
    are A-shares whose exchange the code's leading digits tell; US listings
    (``NVDA US``, ``NVDA.O``, ``.OQ``, ``.N``, ``.A``) are the bare symbol.

    >>> ticker_keys("300308 CH"), ticker_keys("300308 C2"), ticker_keys("SZ300308")
    (('300308.sz', '300308'), ('300308.sz', '300308'), ('300308.sz', '300308'))
    >>> ticker_keys("0700 HK"), ticker_keys("00700.HK"), ticker_keys("hk00700")
    (('700.hk', '700'), ('700.hk', '700'), ('700.hk', '700'))
    >>> ticker_keys("NVDA US"), ticker_keys("NVDA.O"), ticker_keys("nvda")
    (('nvda', 'nvda'), ('nvda', 'nvda'), ('nvda', 'nvda'))
    """
    m = _BLOOMBERG.match(ticker) if " " in ticker.strip() else None
    if m:
        code, market = m.group(1).casefold(), m.group(2).casefold()
        if market == "hk" and code.isdigit():
            ticker = f"{code}.hk"
        elif market in ("ch", "c1", "c2", "cs") and a_share_exchange(code):
            ticker = f"{code}.{a_share_exchange(code)}"
        elif market.startswith("u") and not code.isdigit():
            return code, code
    t = normalize(ticker)
    m = _PREFIXED.match(t)
    if m:
        t = f"{m.group(2)}.{m.group(1)}"
    m = _SUFFIXED.match(t)
    if not m:
        m = _US_SUFFIXED.match(t)
        return (m.group(1), m.group(1)) if m else (t, t)
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
    >>> query_keys("300308 CH"), query_keys("NVDA.O")
    (['300308ch', '300308.sz'], ['nvda.o', 'nvda'])
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


# --------------------------------------------------------------------------- readable ids

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, max_words: int = 6) -> str:
    """A readable ASCII slug: ASCII words as they are, Chinese as pinyin (pypinyin), two
    syllables a word (a trailing single one joins the word before). Traditional
    characters read as simplified ones.

    >>> slug("沪电股份"), slug("Foxconn Industrial Internet"), slug("AI服务器"), slug("新易盛")
    ('hudian-gufen', 'foxconn-industrial-internet', 'ai-fuwuqi', 'xinyisheng')
    >>> slug("資本開支不及預期風險")
    'ziben-kaizhi-buji-yuqi-fengxian'
    """
    parts: list[str] = []
    pos = 0
    text = unicodedata.normalize("NFKC", strip_format(text))
    for m in _CJK_RUN.finditer(text):
        parts += _SLUG.sub(" ", text[pos : m.start()].casefold()).split()
        parts += _pinyin_words(m.group().translate(_TABLE))  # a cached list: += copies it
        pos = m.end()
    parts += _SLUG.sub(" ", text[pos:].casefold()).split()
    return "-".join(parts[:max_words])


@lru_cache(maxsize=4096)
def _pinyin_words(run: str) -> list[str]:
    from pypinyin import lazy_pinyin  # 0.7 s to import: only when a new node needs an id

    syllables = [_SLUG.sub("", s.casefold()) for s in lazy_pinyin(run)]
    syllables = [s for s in syllables if s]
    words = ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
    if len(words) > 1 and len(syllables) % 2:
        words[-2:] = [words[-2] + words[-1]]
    return words
