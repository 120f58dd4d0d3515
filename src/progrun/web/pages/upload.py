"""The upload page: several files or a whole Garmin/Strava export, dropped or chosen.

The page itself holds no upload logic: `static/pages/upload.js` posts each file to `POST /api/runs`
(web-core's upload, analysed off the request) with the CSRF header, then polls `GET /api/runs/{id}`
and shows each file's progress, its failure reason, or a link to its report. Without JavaScript the
form posts to the same API, which answers the upload's id and status as JSON.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.web.pages.common import PageUser, render
from progrun.web.state import app_state

router = APIRouter(include_in_schema=False)

#: What the file picker offers (the API's accepted names: a recording, a .gz of one, an export .zip).
ACCEPT = ".fit,.gpx,.tcx,.gz,.zip"


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, user: PageUser) -> HTMLResponse:
    limit_mb = app_state(request).config.upload_max_bytes / 1e6
    return render(request, "upload.html", {"accept": ACCEPT, "limit_mb": limit_mb}, user=user)
