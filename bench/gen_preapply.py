#!/usr/bin/env python3
"""Writes N pre-registration rows as the CSV the import takes (docs/officer.md
"CSV format"), with valid, distinct T.C. Kimlik numbers.
Usage: bench/gen_preapply.py N OUT.csv [FIRST]"""
import sys


def tckn(k):
    d = [int(c) for c in "%09d" % (100000000 + k)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return "".join(map(str, d)) + str(d10) + str(d11)


NAMES = ["AYŞE", "MEHMET", "IŞIL", "ÖMER", "ŞULE", "GÜL", "İSMAİL", "ÇAĞLA", "ALİ", "ZEYNEP",
         "MUSTAFA", "EMİNE", "HASAN", "FATMA", "HÜSEYİN", "ELİF", "MURAT", "BÜŞRA", "OSMAN"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with open(out, "w", encoding="utf-8") as f:
        f.write("kimlik_no;ad;soyad;e_posta;cep_telefonu;basvuru_nedeni;odeme_turu\n")
        for i in range(first, first + n):
            name = NAMES[i % len(NAMES)] + " " + NAMES[(i // len(NAMES)) % len(NAMES)]
            f.write("%s;%s;ÇELİK;t%d@example.org;5%09d;;\n" % (tckn(i), name, i, i % 10**9))


main()
