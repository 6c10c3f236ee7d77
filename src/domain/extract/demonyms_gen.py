#!/usr/bin/env python3
"""Generates src/domain/extract/demonyms.tsv: the demonyms (nationality adjectives and nouns) of
every country in the six languages of the extractor, with masculine, feminine and plural forms.

Sources (snapshots of public repositories; pass their files as arguments):
  --mledoze  mledoze/countries countries.json (ODbL-1.0): ISO codes, UN membership, English and
             French demonyms (masculine/feminine), country names in Arabic, Spanish, Italian,
             Portuguese and French.
  --ar       MrIbrahem/Nationalities nats.json (no licence file; factual word list made for the
             Arabic Wikipedia category bot): Arabic masculine/feminine, singular/plural.
  --es --it  sourcecode911/i18n-nationality langs/es.json, langs/it.json (MIT): one masculine
             singular adjective per ISO code.
  --pt       ryzzan/cin-hotsite src/app/data/countries.ts (no licence stated): one Portuguese
             gentilic per ISO code, mostly feminine singular.

Forms the sources lack are made by rule (see the `*_forms` functions): English plurals, Spanish,
Italian and Portuguese feminines and plurals, the Portuguese masculine from the feminine.
Entries that merely repeat the country name (the sources' fallback when they have no demonym)
are dropped. A few forms the sources miss for the countries that map to a group of their own are
added in SUPPLEMENT, and marked so in the output.

Usage: gen_demonyms.py --mledoze countries.json --ar nats.json --es es.json --it it.json
       --pt countries.ts > src/domain/extract/demonyms.tsv
"""
import argparse
import json
import re
import unicodedata

# Countries whose demonym is a canonical group of its own. `people` is the group of the bare
# demonym or a demonym with a non-armed person noun ("Americans", "American citizens" -- the
# civilians rule comes first in the engine for civilian nouns); `armed` the group with an armed
# noun ("Syrian soldiers"). Every other country: people = civilians, armed = unknown.
GROUPS = {
    "RU": ("russia", "russia"),
    "US": ("us", "us"),
    "TR": ("turkey", "turkey"),
    "IL": ("israel", "israel"),
    "IR": ("iran", "iran"),
    "SY": ("civilians", "syria_gov"),
}

# Forms the sources lack for the countries above (and a few frequent ones in the news).
SUPPLEMENT = {
    ("US", "en"): ["U.S.", "US"],
    ("US", "es"): ["estadounidense", "norteamericano", "norteamericana", "norteamericanos"],
    ("US", "it"): ["statunitense", "statunitensi", "americano", "americana", "americani", "americane"],
    ("US", "pt"): ["estadunidense", "estadunidenses", "americano", "americana", "americanos", "norte-americano", "norte-americanos"],
    ("US", "fr"): ["états-unien", "étatsunien", "américain"],
    ("US", "ar"): ["أميركي", "أميركيون", "أميركية", "أمريكان", "أميركان"],
    ("RU", "it"): ["russo", "russa", "russi", "russe"],
    ("TR", "it"): ["turco", "turca", "turchi", "turche"],
    ("RU", "pt"): ["russo", "russa", "russos", "russas"],
    ("TR", "pt"): ["turco", "turca", "turcos"],
    ("IL", "pt"): ["israelense", "israelita", "israelenses", "israelitas"],
    ("IL", "it"): ["israeliano", "israeliana", "israeliani"],
    ("IR", "es"): ["iraní", "iraníes"],
    ("IR", "pt"): ["iraniano", "iraniana", "iranianos"],
    ("SY", "pt"): ["sírio", "síria", "sírios", "sírias"],
    ("SY", "it"): ["siriano", "siriana", "siriani", "siriane"],
    ("UA", "ar"): ["أوكراني", "أوكرانيون", "أوكرانية"],
    ("AF", "it"): ["afghano", "afghana", "afghani"],
}


# Country names the sources lack in the form the news uses.
NAME_SUPPLEMENT = {
    ("TR", "en"): ["Turkey"],
    ("US", "en"): ["America", "USA", "US", "U.S."],
    ("US", "ar"): ["أمريكا", "أميركا", "واشنطن"],
    ("US", "es"): ["EEUU", "EE.UU.", "EE. UU."],
    ("US", "fr"): ["Amérique"],
    ("RU", "ar"): ["موسكو"],
    ("RU", "en"): ["Moscow"],
    ("IR", "pt"): ["Irã"],
}

# Rule-made forms that are common words of another of the six languages, or not words at all.
DROP = {"ceci", "manxs"}


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c))


def en_forms(w):
    w = w.lower()
    if w.isupper():
        return [w]
    out = [w]
    if not re.search(r"(ese|ss|sh|ch|ench|utch)$", w) or w.endswith("czech"):
        out.append(w + "s")
    return out


def es_forms(m):
    m = m.lower()
    out = [m]
    if m.endswith("o"):
        b = m[:-1]
        out += [b + "a", b + "os", b + "as"]
    elif m.endswith("és"):
        b = m[:-2]
        out += [b + "esa", b + "eses", b + "esas"]
    elif m.endswith("án"):
        b = m[:-2]
        out += [b + "ana", b + "anes", b + "anas"]
    elif m.endswith("í"):
        out += [m + "es", m + "s"]
    elif m.endswith("e") or m.endswith("a"):
        out += [m + "s"]
    elif m[-1:] in "lnrz":
        out += [m + "es"]
    return out


def it_forms(m):
    m = m.lower()
    out = [m]
    if m.endswith("co") or m.endswith("go"):
        # greco/greci but tedesco/tedeschi, turco/turchi: both plurals are made.
        b = m[:-1]
        out += [b + "a", b + "i", b + "hi", b + "he"]
    elif m.endswith("o"):
        b = m[:-1]
        out += [b + "a", b + "i", b + "e"]
    elif m.endswith("e"):
        out += [m[:-1] + "i"]
    elif m.endswith("a"):
        out += [m[:-1] + "i", m[:-1] + "e"]
    return out


def pt_forms(g):
    g = g.lower()
    out = [g]
    masc = None
    if g.endswith("ã"):
        masc = g[:-1] + "ão"
    elif g.endswith("esa"):
        masc = g[:-3] + "ês"
    elif g.endswith("ola"):
        masc = g[:-1]
    elif g.endswith("a") and not re.search(r"(ita|ota|ista|ca|ga)$", g):
        masc = g[:-1] + "o"
    elif g.endswith("ca") or g.endswith("ga"):
        masc = g[:-1] + "o"
    for w in [g] + ([masc] if masc else []):
        if w not in out:
            out.append(w)
        if w.endswith("ão"):
            out += [w[:-2] + "ãos", w[:-2] + "ães", w[:-2] + "ãs"]
        elif w.endswith("ês"):
            out += [w[:-2] + "eses", w[:-2] + "esas"]
        elif w.endswith("ol"):
            out += [w[:-2] + "óis"]
        elif w.endswith("ã"):
            out += [w + "s"]
        elif w[-1:] in "aeio":
            out += [w + "s"]
    return out


def fr_forms(m, f):
    out = []
    for w in (m.lower(), f.lower()):
        if not w:
            continue
        out.append(w)
        if not w.endswith("s") and not w.endswith("x"):
            out.append(w + "s")
    return out


def ar_forms(e):
    return [e[k] for k in ("men", "mens", "women", "womens") if e.get(k)]


def parse_pt(path):
    src = open(path, encoding="utf-8").read()
    out = {}
    for m in re.finditer(r'"gentile_pt"\s*:\s*"([^"]*)",\s*"initials"\s*:\s*"([A-Z]{2})"', src):
        out[m.group(2)] = m.group(1)
    return out


def main():
    ap = argparse.ArgumentParser()
    for k in ("mledoze", "ar", "es", "it", "pt"):
        ap.add_argument("--" + k, required=True)
    a = ap.parse_args()
    countries = json.load(open(a.mledoze, encoding="utf-8"))
    countries = [c for c in countries if c.get("status") == "officially-assigned" or c["cca2"] in GROUPS]
    names = {}  # (code, lang) -> the country's names in that language
    tr = {"fr": "fra", "es": "spa", "it": "ita", "pt": "por", "ar": "ara"}
    for c in countries:
        names[(c["cca2"], "en")] = {fold(c["name"]["common"]), fold(c["name"]["official"])}
        for lang, key in tr.items():
            t = c["translations"].get(key, {})
            names[(c["cca2"], lang)] = {fold(t.get("common", "")), fold(t.get("official", ""))}
    codes = {c["cca2"] for c in countries}
    forms = {}  # (code, lang) -> list

    def put(code, lang, ws, tag="src"):
        lst = forms.setdefault((code, lang), [])
        for w in ws:
            w = w.strip()
            if not w or w in DROP or w in (x for x, _ in lst):
                continue
            if tag == "src" and fold(w) in names.get((code, lang), ()):
                continue  # the country's name, not a demonym
            lst.append((w, tag))

    by_en = {}
    rank = lambda c: (c["cca2"] not in GROUPS, not c.get("unMember", False))
    for c in sorted(countries, key=rank):
        code = c["cca2"]
        d = c.get("demonyms", {})
        e = d.get("eng", {})
        for k in ("m", "f"):
            if e.get(k):
                put(code, "en", en_forms(e[k]))
                by_en.setdefault(fold(e[k]), code)
        f = d.get("fra", {})
        put(code, "fr", fr_forms(f.get("m", ""), f.get("f", "")))
        name_en = fold(c["name"]["common"])
        by_en.setdefault("name:" + name_en, code)
        by_en.setdefault("name:" + fold(c["name"]["official"]), code)
    ar = json.load(open(a.ar, encoding="utf-8"))
    ar = next(iter(ar.values())) if isinstance(ar, dict) else ar
    for e in ar:
        nat = fold(e.get("nat", "")).replace("_2", "")
        en = fold(e.get("en", "")).removeprefix("the ")
        code = by_en.get(nat) or by_en.get("name:" + en)
        if code:
            put(code, "ar", ar_forms(e))
    for lang, path, rule in (("es", a.es, es_forms), ("it", a.it, it_forms)):
        data = json.load(open(path, encoding="utf-8"))["nationalities"]
        for code, v in data.items():
            v = re.sub(r"\s*\(.*\)", "", v).strip()
            if not v or " " in v or code not in codes:
                continue
            if fold(v) in names[(code, lang)]:
                continue
            put(code, lang, rule(v))
    for code, g in parse_pt(a.pt).items():
        if code not in codes or " " in g or g.startswith("de "):
            continue
        if fold(g) in names[(code, "pt")]:
            continue
        put(code, "pt", pt_forms(g))
    for (code, lang), ws in SUPPLEMENT.items():
        put(code, lang, ws, tag="supplement")

    # A form claimed by several countries: keep it for a country with a group of its own, else
    # for a UN member, else drop it (it names no one nation).
    # Across languages too: the matcher folds accents and plural endings in every language alike.
    def key(w):
        w = fold(w)
        return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w

    owner = {}
    un = {c["cca2"]: c.get("unMember", False) for c in countries}
    for (code, lang), lst in forms.items():
        for w, _ in lst:
            owner.setdefault(key(w), set()).add(code)

    def keep(code, lang, w):
        own = owner[key(w)]
        if len(own) == 1:
            return True
        special = [o for o in own if o in GROUPS]
        if special:
            return code in special and len(special) == 1
        members = [o for o in own if un.get(o)]
        return len(members) == 1 and code in members

    print("# Demonyms of every country (nationality adjectives and nouns, masculine, feminine, plural)")
    print("# in the six languages of the extractor. Generated by src/domain/extract/demonyms_gen.py; do not edit by hand.")
    print("#")
    print("# Provenance and licences:")
    print("#   en, fr: mledoze/countries, countries.json (demonyms eng/fra m/f), ODbL-1.0,")
    print("#           https://github.com/mledoze/countries (snapshot 2026-04-27, 5e9f370).")
    print("#   ar:     MrIbrahem/Nationalities, nats.json (m/f, singular/plural; no licence file; a")
    print("#           factual word list kept for the Arabic Wikipedia category bot) (2024-09-01, d79d13d).")
    print("#   es, it: sourcecode911/i18n-nationality, langs/es.json and langs/it.json (masculine")
    print("#           singular), MIT, (2024-07-30, e020491).")
    print("#   pt:     ryzzan/cin-hotsite, src/app/data/countries.ts, field gentile_pt (mostly feminine")
    print("#           singular; no licence stated) (2017-09-01, fafe7da).")
    print("#   Rule-made forms: English plurals; es/it/pt feminine and plural forms; the pt masculine")
    print("#   from the feminine. Entries equal to the country's name were dropped. Forms marked")
    print("#   `supplement` (last field) were added by hand for the countries with a group of their own.")
    print("#   A form shared by several countries is kept only for the one that has a group, or the one")
    print("#   UN member.")
    print("#")
    print("# Lines `=CODE<TAB>people<TAB>armed`: the groups of a country's demonym, bare or with a")
    print("# non-armed person noun (people) and with an armed noun (armed); `=*` for every other country.")
    print("# Lines `CODE<TAB>lang<TAB>form|form|...[<TAB>supplement|name]`; `name` lines are the")
    print("# country's common name (mledoze/countries), read only where a side is named (\"backed by")
    print("# Russia\", \"pro-Iran\") or in a source (\"Turkey's defence ministry\"). A form in capitals")
    print("# (\"US\", \"U.S.\") is matched against the text as written, so \"us\" is not read as one.")
    print("=*\tcivilians\tunknown")
    for code, (p, arm) in GROUPS.items():
        print(f"={code}\t{p}\t{arm}")
    for (code, lang) in sorted(forms):
        src = [w for w, t in forms[(code, lang)] if t == "src" and keep(code, lang, w)]
        sup = [w for w, t in forms[(code, lang)] if t == "supplement" and keep(code, lang, w)]
        if src:
            print(f"{code}\t{lang}\t{'|'.join(src)}")
        if sup:
            print(f"{code}\t{lang}\t{'|'.join(sup)}\tsupplement")
    tr = {"fr": "fra", "es": "spa", "it": "ita", "pt": "por", "ar": "ara"}
    for c in sorted(countries, key=lambda c: c["cca2"]):
        per = {"en": [c["name"]["common"]]}
        for lang, key in tr.items():
            t = c["translations"].get(key)
            if t:
                per[lang] = [t["common"]]
        for (code, lang), ns in NAME_SUPPLEMENT.items():
            if code == c["cca2"]:
                per.setdefault(lang, []).extend(ns)
        for lang, ns in sorted(per.items()):
            ns = [n for n in ns if n and "," not in n and "(" not in n]
            if ns:
                print(f"{c['cca2']}\t{lang}\t{'|'.join(ns)}\tname")


if __name__ == "__main__":
    main()
