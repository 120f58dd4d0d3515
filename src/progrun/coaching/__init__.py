"""The coach's side: invitations and links, the roster, prescribed sessions, club nights, talk.

```
code = create_invitation(db, coach_user_id, now).code     # shown once; expires, single use
accept_invitation(db, code, athlete_user_id, now)          # the link: the coach may read the athlete's log
roster(db, coach_user_id, today)                           # paces, fitness, last runs, trend, flags
prescribe(db, coach_user_id, on, runner_ids, "5mi")        # a plan per athlete from their own paces
```

Every read goes through `links.coached_store`, which answers NotFound (404 on the web) for a runner the
coach does not coach *now*: leaving or removal takes effect on the next request. Coach-facing text is
in the third person with the athlete's name (`wording.about`).
"""

from __future__ import annotations

from progrun.coaching.invitations import Invitation, accept_invitation, create_invitation
from progrun.coaching.links import coached_store, coaches_of, end_link, is_admin, make_admin

__all__ = [
    "Invitation",
    "accept_invitation",
    "coached_store",
    "coaches_of",
    "create_invitation",
    "end_link",
    "is_admin",
    "make_admin",
]
