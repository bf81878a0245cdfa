#!/usr/bin/env python3
"""Generates the model price table compiled into the core library from LiteLLM's price data.

LiteLLM's `model_prices_and_context_window` table (MIT license) is the price list most LLM tools use; it ships in
the `litellm` wheel on PyPI. This script downloads the wheel of the version you name (no dependencies, nothing
installed), reads the table from it, and writes Sources/NoveumTrace/LLM/ShippedPrices.swift: one line per priced
chat, completion, responses or embedding model, in a raw string literal the SDK parses on first use. The SDK reads
no resource bundle at run time (an app deployed as a bare binary has none), so the table is Swift source.

    python3 Scripts/generate-prices.py 1.110.2                 # download that version's wheel and regenerate
    python3 Scripts/generate-prices.py 1.110.2 --json FILE     # use a table already on disk

Each line is `name|normalized|provider|input|output|cache read|cache write|reasoning|` followed by three tiers
(`batch`, `priority`, `flex`), each `input|output|cache read|cache write`: US dollars per million tokens, empty
where the data has no price. `normalized` is the name as `PriceTable.normalize` spells it (lowercase, provider,
region and vendor prefixes and version suffixes removed); a test checks that the Swift function agrees with
`normalize` below on every line, so the two cannot drift apart.
"""
import argparse
import datetime
import decimal
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "Sources" / "NoveumTrace" / "LLM" / "ShippedPrices.swift"
MIT_NOTICE = """The price data is LiteLLM's, under the MIT license:

Copyright (c) 2023 Berri AI

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""
MODES = {"chat", "completion", "responses", "embedding"}
TIERS = ["batches", "priority", "flex"]
TIER_NAMES = {"batches": "batch", "priority": "priority", "flex": "flex"}

# The same lists and steps as PriceTable.stripPrefixes and PriceTable.normalize.
REGIONS = ["us.", "eu.", "apac.", "global.", "jp.", "au."]
VENDORS = ["anthropic.", "meta.", "mistral.", "cohere.", "amazon.", "ai21.", "deepseek.", "openai.", "qwen."]


def strip_prefixes(model: str) -> str:
    name = model.strip().lower()
    if "/" in name:
        name = name[name.rindex("/") + 1:]
    for region in REGIONS:
        if name.startswith(region):
            name = name[len(region):]
    for vendor in VENDORS:
        if name.startswith(vendor):
            name = name[len(vendor):]
    return name


def _strip_pattern(name: str, pattern: str):
    """Strips a suffix of the shape `pattern`, where `d` stands for an ASCII digit."""
    if len(name) <= len(pattern):
        return None
    tail = name[-len(pattern):]
    for character, expected in zip(tail, pattern):
        if expected == "d":
            if not ("0" <= character <= "9"):
                return None
        elif character != expected:
            return None
    return name[: -len(pattern)]


def _strip_bedrock_version(name: str):
    """`-v1:0` always; `-v2` only right after an 8-digit date (`…-20241022-v2`)."""
    match = re.search(r"-v[0-9]+(:[0-9]+)?$", name)
    if not match:
        return None
    head = name[: match.start()]
    if match.group(1) is None and not re.search(r"-[0-9]{8}$", head):
        return None
    return head


def _strip_latest(name: str):
    return name[:-7] if name.endswith("-latest") and not name.startswith("chatgpt") else None


def _strip_preview(name: str):
    index = name.find("-preview")
    return name[:index] if index >= 0 else None


def _strip_exp(name: str):
    return name[:-4] if name.endswith("-exp") else None


STRIPPERS = [
    lambda n: _strip_pattern(n, "-dddd-dd-dd"),
    lambda n: _strip_pattern(n, "-dddddddd"),
    lambda n: _strip_pattern(n, "@dddddddd"),
    lambda n: _strip_pattern(n, "-dddd"),
    lambda n: _strip_pattern(n, "-ddd"),
    _strip_bedrock_version,
    _strip_latest,
    _strip_preview,
    _strip_exp,
]


def normalize(model: str) -> str:
    name = strip_prefixes(model)
    changed = True
    while changed:
        changed = False
        for strip in STRIPPERS:
            stripped = strip(name)
            if stripped is not None and stripped != name and stripped:
                name = stripped
                changed = True
    return name


def per_million(value) -> str:
    """A per-token price as dollars per million tokens, exactly as the table's decimal text says it."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    amount = decimal.Decimal(repr(value)) * 1_000_000
    text = format(amount.normalize(), "f")
    return text


def tier_columns(entry: dict, tier: str) -> list:
    return [
        per_million(entry.get(f"input_cost_per_token_{tier}")),
        per_million(entry.get(f"output_cost_per_token_{tier}")),
        per_million(entry.get(f"cache_read_input_token_cost_{tier}")),
        per_million(entry.get(f"cache_creation_input_token_cost_{tier}")),
    ]


def download(version: str) -> pathlib.Path:
    folder = pathlib.Path(tempfile.mkdtemp(prefix="litellm-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:", "-d",
         str(folder), f"litellm=={version}"],
        check=True)
    wheel = next(folder.glob("litellm-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("litellm/model_prices_and_context_window_backup.json")
    path = folder / "model_prices.json"
    path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the litellm version whose table to use, e.g. 1.110.2")
    parser.add_argument("--json", help="the table, if already on disk (else the wheel is downloaded)")
    arguments = parser.parse_args()
    path = pathlib.Path(arguments.json) if arguments.json else download(arguments.version)
    table = json.loads(path.read_text())

    lines = []
    for name, entry in table.items():
        if not isinstance(entry, dict) or entry.get("mode") not in MODES:
            continue
        if "input_cost_per_token" not in entry and "output_cost_per_token" not in entry:
            continue
        assert "|" not in name and "\n" not in name and '"#' not in name, name
        provider = str(entry.get("litellm_provider", ""))
        assert "|" not in provider and "\n" not in provider, provider
        columns = [
            name,
            normalize(name),
            provider,
            per_million(entry.get("input_cost_per_token", 0)),
            per_million(entry.get("output_cost_per_token", 0)),
            per_million(entry.get("cache_read_input_token_cost")),
            per_million(entry.get("cache_creation_input_token_cost")),
            per_million(entry.get("output_cost_per_reasoning_token")),
        ]
        for tier in TIERS:
            columns += tier_columns(entry, tier)
        lines.append(columns)
    # First-party names (no route prefix) first, then by name: the order PriceTable resolves a shared normalized
    # name in when no line is spelled exactly as it.
    lines.sort(key=lambda columns: ("/" in columns[0], columns[0]))
    body = "\n".join("|".join(columns) for columns in lines)

    today = datetime.date.today().isoformat()
    TARGET.write_text(
        f"// Generated by Scripts/generate-prices.py from litellm {arguments.version}'s\n"
        "// model_prices_and_context_window table: do not edit.\n"
        f"// {len(lines)} priced chat, completion, responses and embedding models; generated {today}.\n"
        "//\n"
        + "".join(f"// {line}".rstrip() + "\n" for line in MIT_NOTICE.splitlines())
        + "\n"
        "extension PriceTable {\n"
        "    /// Where the shipped prices come from.\n"
        f'    static let shippedSource = "litellm {arguments.version}"\n'
        "    /// When the shipped table was generated.\n"
        f'    static let shippedDate = "{today}"\n'
        "    /// One model a line: `name|normalized|provider|input|output|cache read|cache write|reasoning|`, then the\n"
        "    /// batch, priority and flex tiers as `input|output|cache read|cache write` each; US dollars per million\n"
        "    /// tokens, empty where the data has none (Scripts/generate-prices.py).\n"
        '    static let shippedLines = #"""\n'
        f"{body}\n"
        '"""#\n'
        "}\n"
    )
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(lines)} models from litellm {arguments.version}")


if __name__ == "__main__":
    main()
