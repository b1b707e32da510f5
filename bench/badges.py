"""Render 2,000 A6 badges (and the same on A4 sheets); print seconds, size and peak memory.

.venv/bin/python bench/badges.py [COUNT]
"""

from __future__ import annotations

import resource
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forum_mgmt.tickets import badges, codes

PEOPLE = [
    ("Lin Chia-lung", "林佳龍", "Ministry of Foreign Affairs", "speaker"),
    ("Marco Chiesara", "", "WeWorld", "speaker"),
    ("Chen Mei-ling", "陳美玲", "Taiwan Fund for Children and Families", "attendee"),
    ("Wang Kuan-yu", "王冠宇", "Taipei Times", "press"),
    ("Huang Shu-fen", "黃淑芬", "International Cooperation and Development Fund", "vip"),
    ("Tsai Chih-hao", "蔡志豪", "NGO Center", "staff"),
    ("Lee Yu-ting", "李堃喆", "Sample Foundation (sample person)", "attendee"),
]


def main(count: int = 2000) -> None:
    key = Ed25519PrivateKey.generate()
    batch = [
        badges.Badge(
            name=name,
            name_local=local,
            organization=org,
            category=category,
            code=codes.sign(key, 1, i, 0),
            forum_name="NGO Leaders Forum 2026",
            forum_name_local="NGO領袖論壇",
        )
        for i, (name, local, org, category) in enumerate(
            (PEOPLE[i % len(PEOPLE)] for i in range(count)), start=1
        )
    ]
    for layout in ("a6", "a4"):
        start = time.perf_counter()
        pdf = badges.render(batch, layout=layout)
        seconds = time.perf_counter() - start
        print(
            f"{count} badges, {layout}: {seconds:.1f} s "
            f"({seconds / count * 1000:.1f} ms a badge), {len(pdf) / 1e6:.2f} MB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
