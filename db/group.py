"""A group's shared library: its roles, what each may do, and its members, enforced by PostgreSQL.

Three group roles per library database, `<db>_owner`, `<db>_member` and `<db>_reader`;
each person connects as their own login role, made a member of one of them. What each may
do is written as GRANTs and row-level security policies, so that it holds for `psql` as
much as for Marginalia:

- a reader reads;
- a member also highlights, tags and writes notes, and changes or deletes only what they
  made (a highlight's `author` is the role that made it, set by the database);
- an owner also manages the documents and the codebook, and every highlight;
- a private note, and the history of one's own changes (which holds the rows they
  touched, private notes included), are read by their author alone, owners included.

No one but the group's roles may connect to the database: a removed member cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from db.failures import LibraryError

ROLES = ("owner", "member", "reader")
# The tables of the reader's work, and who may write each (readers only read).
_OWNERS_WRITE = ("documents", "document_versions", "tags")
_MEMBERS_WRITE = ("highlights", "highlight_tags", "private_notes", "operations", "search_marks")
# Derived from what the owners write, in their changes' transactions.
_OWNERS_INDEX = ("search_passages",)
_NAME = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")


@dataclass(frozen=True, slots=True)
class Member:
    """A person of the group: their login role and what they may do."""

    role: str
    kind: str  # owner, member or reader


def _check(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise LibraryError(f"{name!r} cannot be {what}: use lower-case letters, digits and _ (at most 63).")
    return name


def group_role(conn: Connection, kind: str) -> str:
    """The name of the group role of this kind for the connected database."""
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    return _check(f"{database}_{kind}", "a role name")


def kind_of(conn: Connection) -> str | None:
    """What the connected role may do in the group: "owner", "member" or "reader" (None: not in one)."""
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    for kind in ROLES:
        held = conn.execute(
            text("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = :r"),
            {"r": f"{database}_{kind}"},
        ).scalar_one_or_none()
        if held:
            return kind
    return None


def set_up(engine: Engine) -> None:
    """Make the group roles, grants and policies of a shared library (again, when run twice)."""
    with engine.begin() as conn:
        database = str(conn.execute(text("SELECT current_database()")).scalar_one())
        roles = {kind: group_role(conn, kind) for kind in ROLES}
        for role in roles.values():
            if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        everyone = ", ".join(f'"{r}"' for r in roles.values())
        conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
        # TEMPORARY: each session keeps its change journal in a temporary table (db.journal).
        conn.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {everyone}'))
        conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}"))
        # A copy taken home reads how far each id went (db.copy), readers' copies too.
        conn.execute(text(f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))
        writers = f'"{roles["owner"]}", "{roles["member"]}"'
        # UPDATE: an import gives its highlights ids itself, then moves the sequence past them.
        conn.execute(text(f"GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {writers}"))
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_MEMBERS_WRITE)} TO {writers}"))
        owned = ", ".join(_OWNERS_WRITE + _OWNERS_INDEX)
        conn.execute(text(f'GRANT INSERT, UPDATE, DELETE ON {owned} TO "{roles["owner"]}"'))
        # Each person's reading places are theirs alone, readers' too (db.places).
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON reading_places TO {everyone}"))
        _policies(conn, roles)


# Who made the row a member would change: a highlight's author, or its highlight's.
_MINE = {
    "highlights": "author = current_user",
    "highlight_tags": "EXISTS (SELECT 1 FROM highlights h WHERE h.id = highlight_id AND h.author = current_user)",
}
# A policy's USING clause hides the rows it leaves out: a member's UPDATE or DELETE of
# another's highlight would match nothing and say nothing, and Marginalia would report a
# change that was never made. A member's UPDATE is checked on the new row instead (an
# error, "violates row-level security policy"), and a DELETE by this trigger (an error,
# "insufficient_privilege"). A row whose highlight is already gone goes with it (cascade).
_ONLY_OWN = """
CREATE OR REPLACE FUNCTION marginalia_only_own() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    made_by text;
BEGIN
    IF TG_TABLE_NAME = 'highlights' THEN
        made_by := OLD.author;
    ELSE
        SELECT author INTO made_by FROM highlights WHERE id = OLD.highlight_id;
    END IF;
    IF made_by IS NOT NULL AND made_by <> current_user AND NOT pg_has_role(current_user, TG_ARGV[0], 'MEMBER') THEN
        RAISE EXCEPTION 'only the member who made a highlight may delete it or its themes (it is %''s)', made_by
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$
"""
_POLICIES = (
    "everyone_reads",
    "owners_write",
    "members_write_their_own",
    "members_add",
    "members_change",
    "members_delete",
    "own_history",
    "own_private_notes",
)


def _policies(conn: Connection, roles: dict[str, str]) -> None:
    """Row-level security: a member changes what they made; an owner anything; everyone reads."""
    owner, member = f'"{roles["owner"]}"', f'"{roles["member"]}"'
    conn.execute(text(_ONLY_OWN))
    for table in ("highlights", "highlight_tags", "operations", "private_notes"):
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name in _POLICIES:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
    for table in ("highlights", "highlight_tags"):
        conn.execute(text(f"CREATE POLICY everyone_reads ON {table} FOR SELECT USING (true)"))
        conn.execute(text(f"CREATE POLICY owners_write ON {table} FOR ALL TO {owner} USING (true) WITH CHECK (true)"))
    # Everyone's history is their own, owners' too: its rows hold the images of what each
    # change touched, private notes included. Pruning leaves others' rows, unseen, alone;
    # windows hear of others' changes through the view `operation_log` (no images).
    mine = "author = current_user"
    conn.execute(text(f"CREATE POLICY own_history ON operations FOR ALL USING ({mine}) WITH CHECK ({mine})"))
    # A private note is its author's alone, on a highlight of their own.
    conn.execute(
        text(
            f"CREATE POLICY own_private_notes ON private_notes FOR ALL USING ({mine}) WITH CHECK ({mine} AND "
            "EXISTS (SELECT 1 FROM highlights h WHERE h.id = highlight_id AND h.author = current_user))"
        )
    )
    for table, condition in _MINE.items():
        conn.execute(text(f"CREATE POLICY members_add ON {table} FOR INSERT TO {member} WITH CHECK ({condition})"))
        conn.execute(
            text(
                f"CREATE POLICY members_change ON {table} FOR UPDATE TO {member} USING (true) WITH CHECK ({condition})"
            )
        )
        conn.execute(text(f"CREATE POLICY members_delete ON {table} FOR DELETE TO {member} USING (true)"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_only_own ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER {table}_only_own BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION marginalia_only_own('{roles['owner']}')"
            )
        )
    conn.execute(text("ALTER TABLE reading_places ENABLE ROW LEVEL SECURITY"))
    conn.execute(text("DROP POLICY IF EXISTS own_places ON reading_places"))
    conn.execute(
        text(
            "CREATE POLICY own_places ON reading_places FOR ALL USING (reader = current_user) "
            "WITH CHECK (reader = current_user)"
        )
    )
    # Who made a highlight is the database's to say, not the writer's.
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION marginalia_author() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN NEW.author := current_user; RETURN NEW; END $$"
        )
    )
    for table in ("highlights", "private_notes"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_author ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER {table}_author BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION marginalia_author()"
            )
        )


def add_member(engine: Engine, role: str, kind: str) -> None:
    """Make `role` (a login role, created if missing) an owner, member or reader of the group."""
    if kind not in ROLES:
        raise LibraryError(f"{kind!r} is not a kind of member: {', '.join(ROLES)}.")
    _check(role, "a member's role")
    with engine.begin() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        for other in ROLES:
            conn.execute(text(f'REVOKE "{group_role(conn, other)}" FROM "{role}"'))
        conn.execute(text(f'GRANT "{group_role(conn, kind)}" TO "{role}"'))


def remove_member(engine: Engine, role: str) -> None:
    """Take `role` out of the group: it can no longer connect to the library's database."""
    _check(role, "a member's role")
    with engine.begin() as conn:
        for kind in ROLES:
            conn.execute(text(f'REVOKE "{group_role(conn, kind)}" FROM "{role}"'))


def members(engine: Engine) -> list[Member]:
    """Every member of the group, with what they may do."""
    with engine.connect() as conn:
        found = []
        for kind in ROLES:
            rows = conn.execute(
                text(
                    "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                    "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = :g ORDER BY m.rolname"
                ),
                {"g": group_role(conn, kind)},
            )
            found += [Member(str(name), kind) for (name,) in rows]
        return found
