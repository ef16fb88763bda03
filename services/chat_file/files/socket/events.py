"""The files context's socket events: `deleteFile {fileId}` (the old web console), the same
use case as `DELETE /files/<id>`: only the uploader may delete, anyone else is told the file
does not exist. The caller's socket gets `file:deleted` (and the ack); a refusal goes to
`file:error {success: false, code, message, error}` with the HTTP route's code."""

from __future__ import annotations

from marshmallow import fields, validate

from libs.servicekit.http import load
from services.chat_file.files.application.files import FileService
from services.chat_file.kernel.clock import utc_now_iso
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, Payload


class FileRef(Payload):
    fileId = fields.String(required=True, validate=validate.Length(min=1, max=64))


FILE_REF = FileRef()


class FileEvents:
    EVENTS = {"deleteFile": Event("delete_file", reply="file:deleted", error="file:error")}

    def __init__(self, files: FileService) -> None:
        self._files = files

    def delete_file(self, user: Identity, data: Data) -> Data:
        file_id = str(load(FILE_REF, data)["fileId"])
        self._files.delete(user.user_id, file_id)
        return {"fileId": file_id, "id": file_id, "deleted": True, "timestamp": utc_now_iso()}
