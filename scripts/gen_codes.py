#!/usr/bin/env python3
"""Generates src/core/codes_table.h: the code lists behind src/core/codes.c,
the one home of the ISO code lists that core and check both use.

The facts come from MovieLabs' mddf-lib rule files (ISO3166-1.properties,
ISO4217.properties and rfc5646.json, copied read-only under
../shared/mddf/rules/), re-encoded here: two-letter and three-letter codes
(countries, languages, currencies) as bit maps over a..z (bit = the code read
as a base-26 number, any case), four-letter scripts and the variants as
sorted strings, UN M.49 areas as numbers with their English names (the
numeric entries of ISO3166-1.properties, which must be exactly the areas
rfc5646.json admits as regions). Only the officially assigned ISO 3166-1
alpha-2 codes are kept (MovieLabs' EU and ZZ are not ISO 3166-1 assignments;
check/vocab.c knows them as Avails territories).

The extended language subtags are not in mddf-lib's files: they are the
registered extlangs of the IANA Language Subtag Registry (File-Date
2025-08-25), each with the one language it may follow (its Prefix), kept in
EXTLANGS below. Without this list "en-USA" would read as the language en and
the extlang usa (an ISO 639-3 code), where it is a misspelt region.

Nor is the correspondence of three-letter ISO 639-2 (bibliographic and
terminology) and ISO 639-3 codes to the two-letter ISO 639-1 code of the same
language, by which "eng" is told to be "en": it comes from Debian's
iso-codes, kept in LANG_PAIRS below.

Usage (from the repository root; clang-format gives it the house layout):
  python3 scripts/gen_codes.py [RULES_DIR] |
      clang-format --assume-filename=src/core/codes_table.h > src/core/codes_table.h.new &&
  mv src/core/codes_table.h.new src/core/codes_table.h
"""
import json
import os
import re
import sys

# The 256 registered extlangs by their Prefix (IANA Language Subtag Registry, 2025-08-25).
EXTLANGS = {
    "ar": """aao abh abv acm acq acw acx acy adf aeb aec afb ajp apc apd arb arq ars ary arz auz
            avl ayh ayl ayn ayp bbz pga shu ssh""",
    "kok": "gom knn",
    "lv": "ltg lvs",
    "ms": """bjn btj bve bvu coa dup hji jak jax kvb kvr kxd lce lcf liw max meo mfa mfb min mqg
            msi mui orn ors pel pse tmw urk vkk vkt xmm zlm zmi zsm""",
    "sgn": """ads aed aen afg ajs ase asf asp asq asw bfi bfk bog bqn bqy bvl bzs cds csc csd cse
             csf csg csl csn csq csr csx doq dse dsl dsz ecs ehs esl esn eso eth fcs fse fsl fss
             gds gse gsg gsm gss gus hab haf hds hks hos hps hsh hsl icl iks ils inl ins ise isg
             isr jcs jhs jks jls jos jsl jus kgi kvk lbs lgs lls lsb lsc lsg lsl lsn lso lsp lst
             lsv lsw lsy lws mdl mfs mre msd msr mzc mzg mzy nbs ncs nsi nsl nsp nsr nzs okl pgz
             pks prl prz psc psd psg psl pso psp psr pys rib rms rnb rsi rsl rsm rsn sdl sfb sfs
             sgg sgx slf sls sqk sqs sqx ssp ssr svk swl syy szs tse tsm tsq tss tsy tza ugn ugy
             ukl uks vgt vsi vsl vsv wbs xki xml xms yds ygs yhs ysl ysm zib zsl""",
    "sw": "swc swh",
    "uz": "uzn uzs",
    "zh": "cdo cjy cmn cnp cpx csp czh czo gan hak hnm hsn luh lzh mnp nan sjc wuu yue",
}

# Three-letter ISO 639-2/639-3 codes with an ISO 639-1 equivalent (Debian iso-codes).
LANG_PAIRS = """
    aar=aa abk=ab afr=af aka=ak alb=sq amh=am ara=ar arg=an arm=hy asm=as ava=av ave=ae
    aym=ay aze=az bak=ba bam=bm baq=eu bel=be ben=bn bih=bh bis=bi bod=bo bos=bs bre=br
    bul=bg bur=my cat=ca ces=cs cha=ch che=ce chi=zh chu=cu chv=cv cor=kw cos=co cre=cr
    cym=cy cze=cs dan=da deu=de div=dv dut=nl dzo=dz ell=el eng=en epo=eo est=et eus=eu
    ewe=ee fao=fo fas=fa fij=fj fin=fi fra=fr fre=fr fry=fy ful=ff geo=ka ger=de gla=gd
    gle=ga glg=gl glv=gv gre=el grn=gn guj=gu hat=ht hau=ha hbs=sh heb=he her=hz hin=hi
    hmo=ho hrv=hr hun=hu hye=hy ibo=ig ice=is ido=io iii=ii iku=iu ile=ie ina=ia ind=id
    ipk=ik isl=is ita=it jav=jv jpn=ja kal=kl kan=kn kas=ks kat=ka kau=kr kaz=kk khm=km
    kik=ki kin=rw kir=ky kom=kv kon=kg kor=ko kua=kj kur=ku lao=lo lat=la lav=lv lim=li
    lin=ln lit=lt ltz=lb lub=lu lug=lg mac=mk mah=mh mal=ml mao=mi mar=mr may=ms mkd=mk
    mlg=mg mlt=mt mon=mn mri=mi msa=ms mya=my nau=na nav=nv nbl=nr nde=nd ndo=ng nep=ne
    nld=nl nno=nn nob=nb nor=no nya=ny oci=oc oji=oj ori=or orm=om oss=os pan=pa per=fa
    pli=pi pol=pl por=pt pus=ps que=qu roh=rm ron=ro rum=ro run=rn rus=ru sag=sg san=sa
    sin=si slk=sk slo=sk slv=sl sme=se smo=sm sna=sn snd=sd som=so sot=st spa=es sqi=sq
    srd=sc srp=sr ssw=ss sun=su swa=sw swe=sv tah=ty tam=ta tat=tt tel=te tgk=tg tgl=tl
    tha=th tib=bo tir=ti ton=to tsn=tn tso=ts tuk=tk tur=tr twi=tw uig=ug ukr=uk urd=ur
    uzb=uz ven=ve vie=vi vol=vo wel=cy wln=wa wol=wo xho=xh yid=yi yor=yo zha=za zho=zh
    zul=zu
"""

rules = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "mddf", "rules")

NOT_ISO = {"EU", "ZZ"}
regions = []
area_names = {}
with open(os.path.join(rules, "ISO3166-1.properties"), encoding="utf-8") as f:
    for line in f:
        m = re.match(r"^([A-Z]{2})=", line)
        if m and m.group(1) not in NOT_ISO:
            regions.append(m.group(1).lower())
        m = re.match(r"^([0-9]{3})=(.*)$", line)
        if m:
            area_names[m.group(1)] = m.group(2).strip()
currencies = []
with open(os.path.join(rules, "ISO4217.properties"), encoding="utf-8") as f:
    for line in f:
        m = re.match(r"^([A-Z]{3})=", line)
        if m:
            currencies.append(m.group(1).lower())
currencies = sorted(set(currencies))
with open(os.path.join(rules, "rfc5646.json"), encoding="utf-8") as f:
    tags = json.load(f)["rfc5646"]

lang2 = tags["iso639-2"]  # mddf-lib's name; these are the two-letter ISO 639-1 codes
lang3 = tags["iso639-3"]
scripts = tags["script"]
variants = tags["variant"]
m49 = tags["UN-M49"]

for name, items, size in (("regions", regions, 2), ("lang2", lang2, 2), ("lang3", lang3, 3),
                          ("scripts", scripts, 4)):
    assert all(re.fullmatch("[a-z]{%d}" % size, x) for x in items), name
assert all(re.fullmatch(r"[0-9]{3}", x) for x in m49)
assert sorted(area_names) == sorted(m49), "ISO3166-1.properties names other areas than rfc5646.json"
assert all(re.fullmatch("[a-z]{3}", x) for x in currencies) and len(currencies) > 150
lang_pairs = [tuple(p.split("=")) for p in LANG_PAIRS.split()]
assert lang_pairs == sorted(set(lang_pairs)) and len(set(t for t, _ in lang_pairs)) == len(lang_pairs)
assert all(re.fullmatch("[a-z]{3}", t) and two in lang2 for t, two in lang_pairs)
assert all(re.fullmatch(r"[0-9a-z]{4,8}", x) for x in variants)
assert len(regions) == 249, len(regions)
extlangs = sorted((sub, prefix) for prefix, subs in EXTLANGS.items() for sub in subs.split())
assert len(extlangs) == 256 and len(set(s for s, _ in extlangs)) == 256
assert all(re.fullmatch("[a-z]{3}", s) and re.fullmatch("[a-z]{2,3}", p) for s, p in extlangs)


def index(code):
    n = 0
    for c in code:
        n = n * 26 + ord(c) - ord("a")
    return n


def bitmap(name, codes, size):
    words = [0] * ((26 ** size + 63) // 64)
    for c in codes:
        i = index(c)
        words[i // 64] |= 1 << (i % 64)
    out = ["static const uint64_t %s[%d] = {" % (name, len(words))]
    for i in range(0, len(words), 4):
        out.append("    " + " ".join("0x%016xull," % w for w in words[i:i + 4]))
    out.append("};")
    return "\n".join(out)


def strings(name, items):
    items = sorted(set(items))
    out = ["static const char *const %s[%d] = {" % (name, len(items))]
    line = "   "
    for s in items:
        piece = ' "%s",' % s
        if len(line) + len(piece) > 99:
            out.append(line)
            line = "   "
        line += piece
    out.append(line)
    out.append("};")
    return "\n".join(out)


print("""/*
 * GENERATED by scripts/gen_codes.py from MovieLabs mddf-lib's ISO3166-1.properties,
 * ISO4217.properties and rfc5646.json; do not edit. Included by core/codes.c only.
 *
 * %d ISO 3166-1 alpha-2 regions, %d ISO 639-1 and %d ISO 639-3 language
 * subtags, %d ISO 15924 scripts, %d registered variants, %d UN M.49 areas
 * with their names, the %d registered extlangs with the language each may
 * follow (IANA Language Subtag Registry), %d ISO 639-2/639-3 codes with
 * their ISO 639-1 equivalent (Debian iso-codes) and %d ISO 4217 currencies.
 * Two- and three-letter codes are bit maps: bit n is the lowercase code read
 * as a base-26 number (a = 0).
 */
#ifndef VG_CODES_TABLE_H
#define VG_CODES_TABLE_H

#include <stdint.h>
""" % (len(regions), len(lang2), len(lang3), len(scripts), len(variants), len(m49),
       len(extlangs), len(lang_pairs), len(currencies)))
print(bitmap("region_bits", regions, 2))
print()
print(bitmap("lang2_bits", lang2, 2))
print()
print(bitmap("lang3_bits", lang3, 3))
print()
print(strings("script_list", scripts))
print()
print(strings("variant_list", variants))
print()
print("static const struct {")
print("    uint16_t code;")
print("    const char *name;")
print("} m49_list[%d] = {" % len(m49))
print("    " + " ".join('{%d, "%s"},' % (int(x), area_names[x]) for x in sorted(m49)))
print("};")
print()
print("static const struct {")
print("    char subtag[4], prefix[4];")
print("} extlang_list[%d] = {" % len(extlangs))
print("    " + " ".join('{"%s", "%s"},' % e for e in extlangs))
print("};")
print()
print("static const struct {")
print("    char three[4], two[3];")
print("} lang_pairs[%d] = {" % len(lang_pairs))
print("    " + " ".join('{"%s", "%s"},' % p for p in lang_pairs))
print("};")
print()
print(bitmap("currency_bits", currencies, 3))
print()
print("#endif")
