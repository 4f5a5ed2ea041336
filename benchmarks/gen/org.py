"""Township, villages, people (花名册), memberships over two terms, kinship, users and the 公开目录."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

from benchmarks.gen import vocab
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD, Gen, VillageData, at, row
from quzhou_desktop.services.demo.names import birth_date, id_number, mobile, person_name
from quzhou_desktop.services.kernel import passwords
from quzhou_desktop.services.kernel.settings import default_rules_json

TERM2_START = date(2021, 3, 1)  # 浙江 村级组织换届 (2020–2021)

# (role key in VillageData.users, Role value, who)
USER_ROLES = (
    ("clerk", "clerk", "clerk"),
    ("sup_chair", "supervisor_chair", "sup_chair"),
    ("director", "director", "director"),
    ("secretary", "secretary", "secretary"),
)


def build(g: Gen) -> None:
    rng, w = g.rng, g.writer
    start = date(g.first_year, 1, 1)
    created = at(start, 8)
    t = row("township", rng, created, name="石梁镇", code="330802101", rules_json=default_rules_json())
    g.township_id = t["id"]
    w.add("township", t)
    stems = list(vocab.VILLAGE_STEMS)
    rng.shuffle(stems)
    sizes = [rng.randint(150, 700) for _ in range(g.scale.villages)]
    total = sum(sizes)
    for i in range(g.scale.villages):
        hh = sizes[i]
        v = row(
            "village",
            rng,
            created,
            township_id=t["id"],
            name=stems[i % len(stems)] + ("村" if i < len(stems) else f"{i // len(stems) + 1}村"),
            code=f"330802101{201 + i:03d}",
            households=hh,
            adults=int(hh * rng.uniform(2.4, 2.9)),
            finance_busy=hh > 450,
            active=True,
        )
        w.add("village", v)
        g.villages.append(VillageData(v["id"], v["name"], hh, hh / total, v["finance_busy"]))
    for v in g.villages:
        _people(g, v, start)
    _users(g, created)
    _catalogue(g, created)


def _people(g: Gen, v: VillageData, start: date) -> None:
    rng, w = g.rng, g.writer
    n = max(40, g.share(g.scale.people, v))
    groups = vocab.GROUPS[: max(3, min(10, v.households // 60))]
    created = at(start, 9)
    for _ in range(n):
        female = rng.random() < 0.48
        born = birth_date(rng, g.as_of, 20, 85)
        p = row(
            "person",
            rng,
            created,
            village_id=v.id,
            name=person_name(rng, female),
            gender="女" if female else "男",
            id_number=id_number(rng, born, female),
            phone=mobile(rng) if rng.random() < 0.8 else None,
            group_name=rng.choice(groups),
            household_head=rng.random() < 0.4,
            active=True,
        )
        w.add("person", p)
        v.people.append(p["id"])
        v.names[p["id"]] = p["name"]
    pool = list(v.people)
    rng.shuffle(pool)
    branch1, committee1, sup1 = pool[0:5], pool[5:10], pool[10:13]
    # 换届: two seats change in each body.
    branch2 = [*branch1[:3], *pool[13:15]]
    committee2 = [*committee1[:3], *pool[15:17]]
    sup2 = [sup1[0], *pool[17:19]]
    v.branch, v.committee, v.supervisory = branch2, committee2, sup2
    v.officers = {
        "secretary": branch2[0],
        "director": committee2[0],
        "sup_chair": sup2[0],
        "clerk": committee2[1],
    }
    t1_end = date(2021, 2, 28)

    def seat(pid: str, body: str, role: str, s: date, e: date | None, party: str | None = None) -> None:
        w.add(
            "membership",
            row(
                "membership",
                rng,
                at(s, 10),
                village_id=v.id,
                person_id=pid,
                body=body,
                role=role,
                party_status=party,
                start_date=s,
                end_date=e,
                end_reason="换届" if e else None,
            ),
        )

    t1 = date(min(g.first_year, 2018), 3, 1)
    for term, (b, c, s_, s0, e0) in enumerate(
        ((branch1, committee1, sup1, t1, t1_end), (branch2, committee2, sup2, TERM2_START, None))
    ):
        if term == 0 and e0 < start:
            continue
        for i, pid in enumerate(b):
            seat(pid, "party_branch", "secretary" if i == 0 else "member", s0, e0)
            seat(pid, "joint_meeting", "chair" if i == 0 else "member", s0, e0)
        for i, pid in enumerate(c):
            seat(pid, "village_committee", "director" if i == 0 else "member", s0, e0)
            if pid not in b:
                seat(pid, "joint_meeting", "member", s0, e0)
        for i, pid in enumerate(s_):
            seat(pid, "supervisory", "chair" if i == 0 else "member", s0, e0)
    party = set(branch1 + branch2)
    party.update(pool[19 : 19 + max(10, len(pool) * 7 // 100)])
    v.party_count = len(party)
    for pid in sorted(party):
        seat(pid, "party_meeting", "member", date(rng.randint(1975, g.first_year), 7, 1), None,
             "probationary" if rng.random() < 0.04 else "full")  # fmt: skip
    reps = pool[60 : 60 + max(20, min(60, v.households // 10))]
    v.reps_count = len(reps)
    for pid in reps:
        seat(pid, "rep_meeting", "member", TERM2_START, None)
    for a, b in zip(pool[100:130:2], pool[101:131:2], strict=False):
        w.add("kin_link", row("kin_link", rng, at(start, 11), person_a_id=a, person_b_id=b,
                              relation=rng.choice(("配偶", "父母", "子女", "兄弟姐妹")), active=True))  # fmt: skip


def _users(g: Gen, created: object) -> None:
    rng, w = g.rng, g.writer
    pw = seeded_hash(BENCH_PASSWORD, g.rng.randbytes(16))  # one hash reused: every user shares the password
    admin = row("user_account", rng, created, username=ADMIN_USERNAME, display_name="周建华",
                role="township_admin", password_hash=pw, failed_logins=0, must_change_password=False, active=True)  # fmt: skip
    w.add("user_account", admin)
    g.admin_id = admin["id"]
    for i, v in enumerate(g.villages, 1):
        for key, role, who in USER_ROLES:
            pid = v.officers[who]
            u = row("user_account", rng, created, username=f"{key}{i:02d}", display_name=v.names[pid], role=role,
                    person_id=pid, password_hash=pw, failed_logins=0, must_change_password=False, active=True)  # fmt: skip
            w.add("user_account", u)
            v.users[key] = u["id"]
            w.add(
                "user_village",
                row("user_village", rng, created, user_id=u["id"], village_id=v.id, active=True),
            )


def seeded_hash(password: str, salt: bytes) -> str:
    """``services.passwords.hash_password`` with a given salt (the generated file must be deterministic);
    ``check_password`` accepts it like any other."""
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=passwords.N, r=passwords.R, p=passwords.P, dklen=32,
                        maxmem=64 * 1024 * 1024)  # fmt: skip
    b64 = base64.b64encode
    return f"scrypt${passwords.N}${passwords.R}${passwords.P}${b64(salt).decode()}${b64(dk).decode()}"


CATALOGUE = (
    ("party", "党务公开：党员发展、党费收缴、“三会一课”", "quarterly"),
    ("village", "村务公开：低保救助、宅基地审批", "quarterly"),
    ("finance", "财务收支情况", "monthly"),
    ("village", "五议两公开决议及实施结果", "immediate"),
)


def _catalogue(g: Gen, created: object) -> None:
    for cat, name, cadence in CATALOGUE:
        r = row("disclosure_item", g.rng, created, village_id=None, category=cat, name=name, cadence=cadence,
                basis="浙江省村务公开目录", active=True)  # fmt: skip
        g.writer.add("disclosure_item", r)
        g.items[f"{cat}:{cadence}"] = r["id"]
