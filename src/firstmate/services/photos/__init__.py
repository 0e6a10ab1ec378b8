"""The trip album: uploads go straight to blob storage, then are checked before they show.

- `window`: when a trip's album takes uploads, and its opening and closing in words.
- `uploads`: a form to send one photo straight to storage, then its check before it shows.
- `screening`: what a file must be to join an album, and the photo as shown, without its metadata.
- `album`: the album's photos, for guests of its own trip: listed, served, or linked to in storage.
- `quarantine`: where uploads wait for their check, and the sweep of those nobody checked.
- `presence`: the hourly look at albums' files (open ones each run, the others a part a run), marking a photo whose
  file is gone before a guest looks.
- `leftovers`: the files of removed photos, named as their records go, and the sweep of those storage still has.
- `stored_photos`: the photos taken before metadata was taken out at the upload, stripped in place.
"""

from firstmate.services.photos.album import list_photos, photo_content, photo_link, still_missing
from firstmate.services.photos.leftovers import sweep_album_files
from firstmate.services.photos.presence import FilesLooked, look_at_album_files
from firstmate.services.photos.quarantine import QUARANTINE, sweep_quarantine
from firstmate.services.photos.screening import not_a_photo, photo_too_large, said_before_sending, without_metadata
from firstmate.services.photos.stored_photos import strip_stored_photos
from firstmate.services.photos.uploads import check_upload, request_upload
from firstmate.services.photos.window import album_opens_before, album_stays_open, upload_window

__all__ = [
    "QUARANTINE",
    "FilesLooked",
    "album_opens_before",
    "album_stays_open",
    "check_upload",
    "list_photos",
    "look_at_album_files",
    "not_a_photo",
    "photo_content",
    "photo_link",
    "photo_too_large",
    "request_upload",
    "said_before_sending",
    "still_missing",
    "strip_stored_photos",
    "sweep_album_files",
    "sweep_quarantine",
    "upload_window",
    "without_metadata",
]
