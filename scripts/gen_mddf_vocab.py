#!/usr/bin/env python3
"""Generates src/check/mddf_vocab.h: the controlled vocabularies of MovieLabs
Common Metadata (md), Media Manifest and their digital-asset descriptions,
for src/check/mddf.c.

The facts come from MovieLabs' mddf-lib rule files (vocab_cm_v*.json,
vocab_manifest_v*.json, vocab_digAsset_v*.json, vocab_avail_v2.7.json and the
codec profile/level and channel-mapping lists of structure_cm_v2.12.json,
copied read-only under ../shared/mddf/rules/) and are re-encoded here: every
list is the union over the published versions, each value with the first and
last version that lists it (Common Metadata versions for md lists, Manifest
versions for manifest lists, as major*100+minor: 2.10 -> 210), so one table
answers "is this value allowed in this version" and "from which version on".
Where each list applies (an XPath over the document) is ours, from the CM and
Manifest specifications' element descriptions. The ISO code lists the MDDF
checks use (countries, languages, currencies) are not here: they are
src/core/codes_table.h's (scripts/gen_codes.py), shared with the rest.

Usage (from the repository root; clang-format gives it the house layout):
  python3 scripts/gen_mddf_vocab.py [RULES_DIR] |
      clang-format --assume-filename=src/check/mddf_vocab.h > src/check/mddf_vocab.h.new &&
  mv src/check/mddf_vocab.h.new src/check/mddf_vocab.h
"""
import glob
import json
import os
import re
import sys

rules = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "mddf", "rules")


def ver(s):
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.\d+)?", s)
    return int(m.group(1)) * 100 + int(m.group(2))


def load(prefix, key=None):
    """{version: json} for rules/<prefix>_v<version>.json (point releases folded)."""
    out = {}
    for f in glob.glob(os.path.join(rules, prefix + "_v*.json")):
        v = re.search(r"_v([\d.]+)\.json$", f).group(1)
        with open(f, encoding="utf-8") as fh:
            d = json.load(fh)
        out[ver(v)] = d[key] if key else d
    return out


cm = load("vocab_cm", "cm")
man = load("vocab_manifest", "manifest")
dig = load("vocab_digAsset")
avail27 = load("vocab_avail", "avail")[207]
with open(os.path.join(rules, "structure_cm_v2.12.json"), encoding="utf-8") as fh:
    struct_cm = json.load(fh)["StrucRqmts"]

# (name, family, scope, xpath, strict, clause, {version: [values]})
lists = []


def from_versions(per_version, key):
    return {v: d[key] for v, d in per_version.items() if key in d}


# Common Metadata lists, where they apply (CMValidator.validateBasicMetadata's places).
CM_PLACES = [
    ("WorkType", "//md:WorkType | //manifest:Purpose/manifest:WorkType", True, "Sec. 4.1 WorkType"),
    ("ColorType", "//md:PictureColorType", True, "Sec. 4.1 PictureColorType"),
    ("PictureFormat", "//md:PictureFormat", True, "Sec. 4.1 PictureFormat"),
    ("ReleaseType", "//md:ReleaseHistory/md:ReleaseType", True, "Sec. 4.1.3 ReleaseHistory"),
    ("TitleAlternate@type", "//md:TitleAlternate/@type", True, "Sec. 4.1.1 TitleAlternate"),
    ("Parent@relationshipType",
     "//md:Parent/@relationshipType | //manifest:ExperienceChild/manifest:Relationship", True,
     "Sec. 4.1 Parent"),
    ("EntryClass", "//md:Entry/md:EntryClass", True, "Sec. 4.1 SequenceInfo"),
    ("Compliance/Disposition", "//md:Compliance/md:Disposition", True, "Sec. 5.2.9 Compliance"),
    ("Gender", "//md:People/md:Gender", True, "Sec. 4.3 People"),
    ("GroupingEntity/Type", "//md:GroupingEntity/md:Type", False, "Sec. 4.1 GroupingEntity"),
    ("Relationship/Type", "//md:Relationship/md:Type", False, "Sec. 4.1 Relationship"),
    ("Language@disposition",
     "//*[substring(local-name(), string-length(local-name()) - 7) = 'Language']/@disposition",
     True, "Sec. 5.2 Language@disposition"),
    ("ContainerType", "//manifest:ContainerReference/manifest:Type", True,
     "Sec. 6 ContainerReference Type"),
]
for name, xpath, strict, clause in CM_PLACES:
    lists.append((name, "c", None, xpath, strict, "Common Metadata, " + clause,
                  from_versions(cm, name)))

MAN_PLACES = [
    ("PictureGroupType", "//manifest:PictureGroup/manifest:Type", "Sec. 5 PictureGroup"),
    ("TimedEventType", "//manifest:TimedEvent/manifest:Type", "Sec. 6 TimedEvent"),
    ("AudiovisualType", "//manifest:Audiovisual/manifest:Type", "Sec. 7.2 Audiovisual"),
    ("ExperienceAppType", "//manifest:App/manifest:Type", "Sec. 7.2 App"),
]
for name, xpath, clause in MAN_PLACES:
    lists.append((name, "m", None, xpath, True, "Media Manifest, " + clause,
                  from_versions(man, name)))
lists.append(("ExperienceCondition", "a", None, "//manifest:ExperienceID/@condition", True,
              "Media Manifest, Sec. 8 ALIDExperienceMap (Avails ExperienceCondition)",
              {0: avail27["ExperienceCondition"]}))


def walk_dig(version, node, scope, path, rel):
    for k, v in node.items():
        if k == "COMMENT" or not isinstance(v, dict):
            continue
        if "values" in v:
            xp = rel + [v["targetPath"]]
            name = scope + "/" + "/".join(path + [k])
            yield name, scope, "/".join(p.lstrip("./") if i else p for i, p in enumerate(xp)), \
                v.get("ref", ""), v["values"]
        elif "children" in v:
            yield from walk_dig(version, v["children"], scope, path + [k], rel + [v["targetPath"]])


dig_lists = {}
for version, d in dig.items():
    for scope, node in d.items():
        if scope == "COMMENT" or not isinstance(node, dict):
            continue
        for name, sc, xpath, ref, values in walk_dig(version, node, scope, [], []):
            e = dig_lists.setdefault(name, {"scope": sc, "xpath": xpath, "ref": ref, "vals": {}})
            e["vals"][version] = values
            e["ref"] = ref or e["ref"]
# Image/Encoding became a MIME-type list in CM 2.8, but MovieLabs' own MMC examples for 2.8 still
# write "jpg": an unknown image encoding is a warning, not an error.
LENIENT = {"Image/Encoding"}
for name in sorted(dig_lists):
    e = dig_lists[name]
    lists.append((name, "c", e["scope"], e["xpath"], name not in LENIENT,
                  "Common Metadata, digital asset %s%s" % (name, (", " + e["ref"]) if e["ref"] else ""),
                  e["vals"]))

# MPEG profiles and levels per codec (structure_cm Codec_* rules).
for key, codec in (("Codec_H.264", "H.264"), ("Codec_MPEG2", "MPEG2"), ("Codec_H.265", "H.265")):
    for c in struct_cm[key]["constraint"]:
        what = "MPEGProfile" if "MPEGProfile" in c["xpath"][0] else "MPEGLevel"
        lists.append(("Video/Encoding/%s(%s)" % (what, codec), "a", "Video",
                      "./md:Encoding[normalize-space(md:Codec) = '%s']/md:%s" % (codec, what), True,
                      "Common Metadata, Sec. 5.2.5 %s for %s" % (what, codec),
                      {0: c["filter"]["values"]}))

single = struct_cm["SingleChannelAudio"]["constraint"][0]["filter"]["values"]


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


out = []
out.append("""/*
 * GENERATED by scripts/gen_mddf_vocab.py from MovieLabs mddf-lib's vocab_cm_v*.json,
 * vocab_manifest_v*.json, vocab_digAsset_v*.json, vocab_avail_v2.7.json and
 * structure_cm_v2.12.json; do not edit. Included by check/mddf.c only. (ISO code
 * lists, currencies among them: core/codes.h.)
 *
 * Each list is the union over the published versions; a term carries the first and
 * last version that lists it (major*100+minor; 0/0 for lists without versions).
 */
#ifndef VG_MDDF_VOCAB_H
#define VG_MDDF_VOCAB_H

#include <stddef.h>
#include <stdint.h>

struct mddf_term {
    const char *value;
    uint16_t since, until;
};

struct mddf_vocab {
    const char *name;   /* "Audio/Type" */
    char family;        /* 'c': Common Metadata versions, 'm': Manifest versions, 'a': any */
    const char *scope;  /* digital-asset element the xpath is relative to, or NULL (absolute) */
    const char *xpath;  /* where the values are */
    int strict;         /* 1: an unknown value is an error; 0: a warning */
    const char *clause;
    const struct mddf_term *terms;
    size_t n_terms;
};
""")
names = []
for i, (name, fam, scope, xpath, strict, clause, per) in enumerate(lists):
    if not per:
        continue
    span = {}
    for v in sorted(per):
        for val in per[v]:
            a, b = span.get(val, (v, v))
            span[val] = (min(a, v), max(b, v))
    ident = "terms_%d" % i
    out.append("static const struct mddf_term %s[] = {" % ident)
    for val in sorted(span, key=lambda x: (x.lower(), x)):
        a, b = span[val]
        out.append("    {%s, %d, %d}," % (c_str(val), a, b))
    out.append("};")
    names.append("    {%s, '%s', %s, %s, %d, %s, %s, %d}," % (
        c_str(name), fam, c_str(scope) if scope else "NULL", c_str(xpath), 1 if strict else 0,
        c_str(clause), ident, len(span)))
out.append("")
out.append("static const struct mddf_vocab mddf_vocabs[] = {")
out.extend(names)
out.append("};")
out.append("")
out.append("/* ChannelMapping values that name one channel (Channels 1 uses one of them, Channels > 1 none). */")
out.append("static const char *const mddf_single_channel_mappings[] = {")
out.append("    " + ", ".join(c_str(s) for s in single) + ",")
out.append("};")
out.append("")
out.append("#endif")
print("\n".join(out))
